// axe-core over built pages in headless Chromium (issue 15), driven by
// tests/cli/accessibility.rs.
//
//   node tests/e2e/accessibility.mjs <output dir> <path>...
//
// <output dir> is a finished `kudos build`; this script serves it over loopback the way a
// static host does (static_host.mjs), opens each <path> (a URL path such as `/posts/`) in
// Chromium, once with a light and once with a dark colour scheme (the default theme has
// both), and runs every axe-core rule that is on by default. It prints each violation with
// its rule id, impact, the selectors of the elements and the page, and exits 0 only when
// there is none. Requests that leave the loopback server are refused, so the result never
// depends on the network.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { launchChromium } from "./chromium.mjs";
import { serveFolder } from "./static_host.mjs";

const [outputDir, ...paths] = process.argv.slice(2);
if (!outputDir || paths.length === 0) {
  console.error("usage: node accessibility.mjs <output dir> <path>...");
  process.exit(2);
}

// Never hang the test run, whatever goes wrong.
const watchdog = setTimeout(() => {
  console.error("FAIL: the accessibility check took longer than 120 s");
  process.exit(1);
}, 120000);

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const { origin, fileFor, close } = await serveFolder(outputDir);
const browser = await launchChromium();

/** One line per violation and element: what a theme author needs to find it. */
function report(url, scheme, violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`  ${v.id} (${v.impact}) on ${url} [${scheme}]: ${v.help}`);
    for (const node of v.nodes) {
      lines.push(`    ${node.target.join(" ")}`);
      // The first reason is enough to find the element; "Fix any of" lists every way out.
      const why = node.failureSummary?.split("\n")[1]?.trim();
      if (why) lines.push(`      ${why}`);
    }
    lines.push(`    see ${v.helpUrl}`);
  }
  return lines;
}

/** Opens `path` in a fresh tab with `scheme` and returns axe's violations, or throws. */
async function check(path, scheme) {
  const url = new URL(path, origin).toString();
  const page = await browser.newPage({ colorScheme: scheme });
  const problems = [];
  try {
    await page.route("**/*", (route) =>
      route.request().url().startsWith(origin) ? route.continue() : route.abort(),
    );
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
    page.on("response", (answer) => {
      if (answer.status() >= 400 && answer.url() !== url) {
        problems.push(`${answer.status()} for ${answer.url()}`);
      }
    });
    const response = await page.goto(url, { waitUntil: "load" });
    const expected = fileFor(new URL(url).pathname) ? 200 : 404;
    if (response?.status() !== expected) {
      problems.push(`${url} answered ${response?.status()}, not ${expected}`);
    }
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    return { url, problems, violations: result.violations };
  } finally {
    await page.close();
  }
}

let failures = 0;
let checked = 0;
try {
  for (const path of paths) {
    for (const scheme of ["light", "dark"]) {
      const { url, problems, violations } = await check(path, scheme);
      checked += 1;
      const count = violations.reduce((n, v) => n + v.nodes.length, 0);
      console.log(`${count === 0 && problems.length === 0 ? "ok  " : "FAIL"} ${url} [${scheme}]`);
      for (const problem of problems) console.log(`  ${problem}`);
      for (const line of report(url, scheme, violations)) console.log(line);
      if (count > 0 || problems.length > 0) failures += 1;
    }
  }
} catch (error) {
  failures += 1;
  console.error(`FAIL: ${error.message}`);
} finally {
  await browser.close();
  close();
  clearTimeout(watchdog);
}
console.log(`axe-core ${JSON.parse(readFileSync(createRequire(import.meta.url).resolve("axe-core/package.json"), "utf8")).version}: ${checked} page views, ${failures} with problems`);
process.exit(failures === 0 ? 0 : 1);
