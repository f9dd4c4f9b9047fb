// Debian's Chromium, headless, as the end-to-end scripts launch it. The background
// networking flags matter: the test machines have no outside network, and without them
// Chromium keeps opening connections that are refused.
import { chromium } from "playwright-core";

export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
