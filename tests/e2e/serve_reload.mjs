// Live reload in a real browser (issue 4, acceptance 3), driven by tests/serve_browser.rs.
//
//   node tests/e2e/serve_reload.mjs <server url> <site dir>
//
// A `kudos serve` of the basic fixture runs at <server url>; <site dir> is its root, which
// this script edits the way a writer would, while headless Chromium shows a post. Each
// check has the acceptance's 2 seconds and nothing in the browser is touched meanwhile:
// the page must change by itself. Exit code 0 means every check passed.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "./chromium.mjs";

const WITHIN_MS = 2000;
const SETUP_MS = 15000;

const [baseUrl, siteDir] = process.argv.slice(2);
if (!baseUrl || !siteDir) {
  console.error("usage: node serve_reload.mjs <server url> <site dir>");
  process.exit(2);
}
const postFile = join(siteDir, "content", "posts", "hello.md");
const cssFile = join(siteDir, "static", "style.css");

// Never hang the test run, whatever goes wrong.
const watchdog = setTimeout(() => {
  console.error("FAIL: the end-to-end test took longer than 90 s");
  process.exit(1);
}, 90000);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; returns the milliseconds it took, or throws. */
async function within(ms, what, check) {
  const started = Date.now();
  for (;;) {
    let ok = false;
    try {
      ok = await check();
    } catch {
      // The page is between two documents (it is reloading): not yet.
    }
    const took = Date.now() - started;
    if (ok) return took;
    if (took > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(25);
  }
}

/** Replaces each `[from, to]` in a file and saves it once, in place (as most editors do). */
function edit(file, ...replacements) {
  let text = readFileSync(file, "utf8");
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
}

const browser = await launchChromium();
let failed = false;
try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.log(`  page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") console.log(`  console: ${message.text()}`);
  });
  page.on("response", (answer) => {
    if (answer.status() >= 400) console.log(`  ${answer.status()} for ${answer.url()}`);
  });
  // Keep a handle on the live-reload connection of every document the tab shows, so the
  // script can wait until the page listens before it edits anything.
  await page.addInitScript(() => {
    const Native = window.EventSource;
    window.EventSource = class extends Native {
      constructor(...args) {
        super(...args);
        window.__kudosEvents = this;
      }
    };
  });
  const listening = () =>
    within(SETUP_MS, "the page connects to /__kudos/events", () =>
      page.evaluate(() => window.__kudosEvents?.readyState === EventSource.OPEN),
    );
  const bodyText = () => page.textContent("body");
  const overlay = () =>
    page.evaluate(() => document.getElementById("kudos-error-overlay")?.textContent ?? null);
  const probe = () =>
    page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue("--kudos-e2e").trim(),
    );

  const postUrl = new URL("posts/hello/", baseUrl).toString();
  console.log(`open ${postUrl}`);
  const response = await page.goto(postUrl);
  if (response?.status() !== 200) throw new Error(`${postUrl} answered ${response?.status()}`);
  await listening();
  if (!(await bodyText()).includes("The first paragraph is the summary.")) {
    throw new Error("the post does not show its first paragraph");
  }

  console.log("1. edit the post's markdown: the page shows the new text by itself");
  edit(postFile, ["The first paragraph is the summary.", "Edited while the browser watched."]);
  let took = await within(WITHIN_MS, "the edited text appears", async () => {
    const text = await bodyText();
    return text.includes("Edited while the browser watched.") && !text.includes("the summary.");
  });
  console.log(`   shown after ${took} ms`);
  await listening();

  console.log("2. break the front matter: the error overlay names the file");
  await page.evaluate(() => {
    window.__marker = 1;
  });
  edit(postFile, ['title = "Hello, world"', "title = "]);
  took = await within(WITHIN_MS, "the error overlay appears", async () => {
    const shown = await overlay();
    return shown !== null && shown.includes("hello.md");
  });
  console.log(`   overlay after ${took} ms:\n${(await overlay()).replace(/^/gm, "   | ")}`);
  if (!(await page.isVisible("#kudos-error-overlay"))) throw new Error("the overlay is hidden");
  if (!(await bodyText()).includes("Edited while the browser watched.")) {
    throw new Error("the last good page is gone under the overlay");
  }
  if ((await page.evaluate(() => window.__marker)) !== 1) {
    throw new Error("a failed rebuild reloaded the page");
  }

  console.log("3. fix the front matter: the overlay goes and the fixed page shows");
  edit(
    postFile,
    ["title = ", 'title = "Hello again"'],
    ["Edited while the browser watched.", "Fixed and back."],
  );
  took = await within(WITHIN_MS, "the overlay disappears and the fixed page shows", async () => {
    const text = await bodyText();
    return (await overlay()) === null && text.includes("Fixed and back.") && text.includes("Hello again");
  });
  console.log(`   fixed page after ${took} ms`);
  await listening();

  console.log("4. edit only the stylesheet: it is swapped without reloading the page");
  if ((await probe()) !== "one") throw new Error(`--kudos-e2e is ${JSON.stringify(await probe())}`);
  await page.evaluate(() => {
    window.__marker = 1;
  });
  edit(cssFile, ["--kudos-e2e: one;", "--kudos-e2e: two;"]);
  took = await within(WITHIN_MS, "the new stylesheet applies", async () => (await probe()) === "two");
  console.log(`   new style after ${took} ms`);
  await sleep(300);
  if ((await page.evaluate(() => window.__marker)) !== 1) {
    throw new Error("a CSS-only change reloaded the page");
  }
  if ((await overlay()) !== null) throw new Error("an overlay is shown");
  console.log("ok: live reload, error overlay and CSS swap work");
} catch (error) {
  failed = true;
  console.error(`FAIL: ${error.message}`);
} finally {
  await browser.close();
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
