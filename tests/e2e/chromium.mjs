// Debian's Chromium, headless, as the end-to-end scripts launch it. The background
// networking flags matter: the test machines have no outside network, and without them
// Chromium keeps opening connections that are refused.
import { chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** The flags every script starts Chromium with (lighthouse.mjs through chrome-launcher). */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}
