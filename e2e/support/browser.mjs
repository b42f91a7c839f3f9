// The browser fixture: Debian's Chromium driven by playwright-core (`npx playwright install` needs the internet).
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Throws a sentence saying how to install the browser when there is none. */
export function requireBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `e2e: no browser at ${CHROMIUM}; install it with: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
}

export async function launchBrowser() {
  requireBrowser();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
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
