// serve's preview bar in a real browser (issue 13), driven by tests/cli/preview.rs.
//
//   node tests/e2e/preview.mjs <server url, with the /shop/ sub-path>
//
// On the `preview` fixture: the switcher's links lead to the variant pages, the panel
// lists each hidden shout-out with its reason and file:line, the bar hides with the
// keyboard and comes back, and the site works under its sub-path. Exit 0 means all passed.

import { launchChromium } from "./chromium.mjs";

const [url] = process.argv.slice(2);
if (!url) {
  console.error("usage: node preview.mjs <server url>");
  process.exit(2);
}
const watchdog = setTimeout(() => {
  console.error("FAIL: the preview test took longer than 60 s");
  process.exit(1);
}, 60000);

function check(ok, what) {
  if (!ok) throw new Error(what);
  console.log(`ok: ${what}`);
}

const browser = await launchChromium();
let failed = false;
try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.log(`  page error: ${error.message}`));

  // The sub-path: the server's root redirects to it.
  await page.goto(url.replace(/\/shop\/$/, "/"));
  check(new URL(page.url()).pathname === "/shop/", `/ leads to /shop/ (at ${page.url()})`);

  // The switcher on a page with variants: each link is a real page under /shop/.
  await page.goto(new URL("about/", url).href);
  const box = await page.locator("#kudos-preview").boundingBox();
  const viewport = page.viewportSize();
  check(box && Math.abs(box.y + box.height - viewport.height) < 2, "the bar sits at the bottom of the window");
  await page.locator("#kudos-preview summary").focus();
  await page.keyboard.press("Enter");
  check(await page.locator("#kudos-preview details").evaluate((d) => d.open), "Enter opens the bar");
  await page.locator("#kudos-preview a", { hasText: "Wholesale" }).click();
  await page.waitForURL("**/shop/for/wholesale/about/");
  check(page.url().endsWith("/shop/for/wholesale/about/"), "the switcher leads to the wholesale variant");
  check((await page.locator("h1").first().textContent()).includes("About us"), "the variant page renders");

  // The panel on the wall: each hidden kind with reason and file:line.
  await page.goto(new URL("shoutouts/", url).href);
  const panel = await page.locator("#kudos-preview .kp-hidden").textContent();
  for (const [who, why, place] of [
    ["Nora Noconsent", "no consent", "content/shoutouts/no-consent.md:2"],
    ["Wanda Withdrawn", "consent withdrawn on 2026-01-05", "content/shoutouts/withdrawn.md:5"],
    ["Felix Future", "consent dated 2099-01-01, in the future", "content/shoutouts/future.md:4"],
    ["Dora Draft", "draft", "content/shoutouts/draft.md:4"],
    ["Quinn Quoteless", "consent does not cover the quote", "content/shoutouts/no-quote.md:4"],
    ["Nadia Nameless", "name held back", "content/shoutouts/nameless.md:5"],
    ["Pat Photoless", "photo withheld", "content/shoutouts/photoless.md:3"],
    ["Erin Employee", "rating not counted", "content/shoutouts/insider.md:3"],
  ]) {
    check(panel.includes(`${who}: ${why}`) && panel.includes(place), `the panel lists ${who}: ${why} at ${place}`);
  }

  // Hide with the keyboard; it stays hidden after a reload; bring it back.
  await page.locator("#kudos-preview .kp-hide").focus();
  await page.keyboard.press("Enter");
  check(await page.locator("#kudos-preview").isHidden(), "Enter on × hides the bar");
  check(await page.evaluate(() => document.activeElement.id === "kudos-preview-show"), "focus moves to the show button");
  await page.reload();
  check(await page.locator("#kudos-preview").isHidden(), "the bar stays hidden after a reload");
  await page.locator("#kudos-preview-show").focus();
  await page.keyboard.press("Enter");
  check(await page.locator("#kudos-preview").isVisible(), "the show button brings it back");
} catch (error) {
  failed = true;
  console.error(`FAIL: ${error.message}`);
} finally {
  await browser.close();
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
