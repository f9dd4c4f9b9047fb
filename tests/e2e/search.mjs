// The search page in headless Chromium (issue 11), driven by tests/cli/search.rs.
//
//   node tests/e2e/search.mjs <host dir> <search page path>
//
// <host dir> is served over loopback as a static host serves it (static_host.mjs); the
// site is built below it at a sub-path (`<host dir>/shop`), so the page, the Pagefind UI
// and the index must all work under that path. A reader types into the search box as a
// person would and reads the results: a word only one post has finds that post first; a
// word two posts share finds both, and the segment filter narrows them to the one in that
// segment; a withdrawn customer's word and a withheld name find nothing. Requests that
// leave the loopback server fail the run. Prints PASS, or each failed expectation.

import { launchChromium } from "./chromium.mjs";
import { serveFolder } from "./static_host.mjs";

const [hostDir, searchPath] = process.argv.slice(2);
if (!hostDir || !searchPath) {
  console.error("usage: node search.mjs <host dir> <search page path>");
  process.exit(2);
}

const watchdog = setTimeout(() => {
  console.error("FAIL: the search check took longer than 100 s");
  process.exit(1);
}, 100000);

const { origin, close } = await serveFolder(hostDir);
const browser = await launchChromium();
const failures = [];
const expect = (ok, what) => {
  if (!ok) failures.push(what);
};

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const outside = [];
  await page.route("**/*", (route) => {
    if (route.request().url().startsWith(origin)) return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(origin + searchPath);
  const input = page.locator(".pagefind-ui__search-input");
  await input.waitFor({ timeout: 15000 });

  /** Types `query` and waits for Pagefind's message line to name it; returns result links. */
  async function search(query) {
    await input.fill("");
    await input.fill(query);
    // The message names the query and the count ("2 results for lantern"); the result
    // links render after it, so wait until as many are there as it counts (a fixed pause
    // was too short for a loaded machine).
    await page.waitForFunction(
      (q) => {
        const message = document.querySelector(".pagefind-ui__message");
        // "Searching for quokka..." comes first; the final line counts results.
        if (!message || !message.textContent.includes(q) || !/result/i.test(message.textContent)) {
          return false;
        }
        const counted = message.textContent.match(/(\d+) results?/);
        const expected = counted ? Number(counted[1]) : 0;
        return document.querySelectorAll(".pagefind-ui__result-link").length === expected;
      },
      query,
      { timeout: 15000 },
    );
    return page.locator(".pagefind-ui__result-link").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  }

  const quokka = await search("quokka");
  expect(quokka[0] === "/shop/posts/quokka/", `"quokka" should find /shop/posts/quokka/ first, found ${JSON.stringify(quokka)}`);

  const lantern = await search("lantern");
  const both = ["/shop/posts/quokka/", "/shop/posts/lantern/"];
  expect(
    lantern.length === 2 && both.every((u) => lantern.includes(u)),
    `"lantern" should find both posts, found ${JSON.stringify(lantern)}`,
  );
  // The segment filter: open the "For" group and tick "Regulars".
  const group = page.locator("details.pagefind-ui__filter-block", { hasText: "For" });
  await group.locator("summary").click();
  await group.locator("label", { hasText: "Regulars" }).click();
  await page.waitForFunction(() => document.querySelectorAll(".pagefind-ui__result-link").length === 1, null, {
    timeout: 15000,
  });
  const narrowed = await page
    .locator(".pagefind-ui__result-link")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  expect(
    narrowed.length === 1 && narrowed[0] === "/shop/posts/quokka/",
    `the Regulars filter should leave only the quokka post, left ${JSON.stringify(narrowed)}`,
  );
  await group.locator("label", { hasText: "Regulars" }).click();

  for (const hidden of ["zeppelin", "Wanda", "Sample"]) {
    const found = await search(hidden);
    expect(found.length === 0, `"${hidden}" must find nothing (consent), found ${JSON.stringify(found)}`);
  }
  expect(outside.length === 0, `requests left the loopback host: ${outside.join(", ")}`);
  expect(errors.length === 0, `the page logged errors: ${errors.join(" | ")}`);
} catch (e) {
  failures.push(String(e?.stack ?? e));
} finally {
  await browser.close();
  close();
  clearTimeout(watchdog);
}

if (failures.length > 0) {
  console.log(`FAIL\n${failures.map((f) => `  ${f}`).join("\n")}`);
  process.exit(1);
}
console.log("PASS");
