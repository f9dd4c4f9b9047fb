// Lighthouse over built pages in headless Chromium (issue 12), driven by
// tests/cli/lighthouse.rs.
//
//   node tests/e2e/lighthouse.mjs <output dir> <path>...
//
// <output dir> is a finished `kudos build`; this script serves it over loopback the way a
// static host does (static_host.mjs) and runs Lighthouse's best-practices, accessibility
// and SEO categories on each <path> (a URL path such as `/shoutouts/`). It prints the three
// scores of every page and each audit that lost points, with its id, title and details,
// and exits 0 only when best practices scores 100 on every page; accessibility (which
// accessibility.mjs checks in depth with axe-core) and SEO are reported, not required.
//
// Chromium is Debian's, started by chrome-launcher (never downloaded) with the flags of
// chromium.mjs and a fresh profile. Every request a page made is checked afterwards:
// one that left the loopback server fails the run, so a score never depends on the network.

import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "./chromium.mjs";
import { serveFolder } from "./static_host.mjs";

const [outputDir, ...paths] = process.argv.slice(2);
if (!outputDir || paths.length === 0) {
  console.error("usage: node lighthouse.mjs <output dir> <path>...");
  process.exit(2);
}

// Never hang the test run, whatever goes wrong.
const watchdog = setTimeout(() => {
  console.error("FAIL: the Lighthouse run took longer than 120 s");
  process.exit(1);
}, 120000);

const CATEGORIES = ["best-practices", "accessibility", "seo"];
const REQUIRED = "best-practices";

const FLAGS = {
  logLevel: "error",
  onlyCategories: CATEGORIES,
  // Lists every request the page made, to prove none left loopback; it belongs to the
  // performance category, which is not run.
  onlyAudits: ["network-requests"],
  // The screenshot is only for the HTML report, which is not written; a second a page.
  disableFullPageScreenshot: true,
};

/** A details value (a node, a source location, a URL, ...) as one short piece of text. */
function brief(value) {
  if (value === null || typeof value !== "object") return String(value);
  switch (value.type) {
    case "node":
      return value.selector ?? value.snippet ?? value.nodeLabel ?? "";
    case "source-location":
      return `${value.url}:${value.line + 1}:${value.column + 1}`;
    case "url":
    case "code":
    case "text":
      return String(value.value);
    default:
      return JSON.stringify(value).slice(0, 200);
  }
}

/** The lines that say why an audit lost points: its title, value and first detail items. */
function explain(audit) {
  const lines = [`  ${audit.id}: ${audit.title}${audit.displayValue ? ` (${audit.displayValue})` : ""}`];
  if (audit.errorMessage) lines.push(`    error: ${audit.errorMessage}`);
  const items = audit.details?.items ?? [];
  for (const item of items.slice(0, 10)) {
    const fields = Object.entries(item)
      .filter(([key]) => key !== "subItems")
      .map(([key, value]) => `${key}=${brief(value)}`);
    lines.push(`    ${fields.join(" ")}`);
    for (const sub of item.subItems?.items?.slice(0, 5) ?? []) {
      lines.push(`      ${Object.entries(sub).map(([key, value]) => `${key}=${brief(value)}`).join(" ")}`);
    }
  }
  if (items.length > 10) lines.push(`    ... and ${items.length - 10} more`);
  return lines;
}

const { origin, fileFor, close } = await serveFolder(outputDir);
// chrome-launcher gives Chromium a new temporary --user-data-dir and removes it on kill().
// Even with the background networking flags, Chromium still looks up Google hosts
// (clients2, accounts) while Lighthouse runs; every name resolves to nothing, without a
// DNS query, and the pages use no name but the loopback address.
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM_PATH,
  chromeFlags: [...CHROMIUM_FLAGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
  logLevel: "silent",
});
// Chromium runs detached and would outlive this script: end it on any exit, the watchdog's
// and a signal's included (chrome-launcher's kill is synchronous).
process.on("exit", () => chrome.kill());
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => process.exit(1));

let failures = 0;
let version = "?";
try {
  for (const path of paths) {
    const url = new URL(path, origin).toString();
    if (!fileFor(new URL(url).pathname)) {
      console.log(`FAIL ${url}: not in the build`);
      failures += 1;
      continue;
    }
    const { lhr } = await lighthouse(url, { ...FLAGS, port: chrome.port });
    version = lhr.lighthouseVersion;
    const score = (id) => lhr.categories[id].score;
    const percent = (id) => (score(id) === null ? "n/a" : Math.round(score(id) * 100));
    const requests = lhr.audits["network-requests"]?.details?.items;
    const outside = (requests ?? [])
      .map((request) => request.url)
      .filter((requested) => /^(https?|wss?):/.test(requested) && new URL(requested).origin !== origin);
    const failed = score(REQUIRED) !== 1 || !requests || outside.length > 0 || Boolean(lhr.runtimeError);
    if (failed) failures += 1;
    console.log(
      `${failed ? "FAIL" : "ok  "} ${url}: ` + CATEGORIES.map((id) => `${id} ${percent(id)}`).join(", "),
    );
    if (lhr.runtimeError) console.log(`  runtime error: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    for (const warning of lhr.runWarnings) console.log(`  warning: ${warning}`);
    if (!requests) console.log("  Lighthouse listed no requests, so none could be checked");
    for (const requested of outside) console.log(`  request left loopback: ${requested}`);
    for (const id of CATEGORIES) {
      // Audits of weight 0 are informative: they never lower a score.
      const lost = lhr.categories[id].auditRefs
        .filter((ref) => ref.weight > 0)
        .map((ref) => lhr.audits[ref.id])
        .filter((audit) => audit.score !== null && audit.score < 1);
      if (lost.length > 0) console.log(`  ${id}${id === REQUIRED ? "" : " (reported, not required)"}:`);
      for (const audit of lost) for (const line of explain(audit)) console.log(`  ${line}`);
    }
  }
} catch (error) {
  failures += 1;
  console.error(`FAIL: ${error.stack ?? error.message}`);
} finally {
  close();
  clearTimeout(watchdog);
}
console.log(`lighthouse ${version}: ${paths.length} pages, ${failures} below 100 in best practices or with problems`);
process.exit(failures === 0 ? 0 : 1);
