// The browser-test harness: the dev server and Debian's Chromium, named checks and their results, users registered in
// browser contexts of their own, and every console error no scenario expected.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { startDevServer } from "../scripts/dev-server.mjs";

const root = path.resolve(import.meta.dirname, "..");
const shots = path.join(root, "e2e", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * Starts the dev server and the browser (or exits 1 when there is no browser). Scenarios share `users`: the first
 * one registers Ada and Bob there.
 */
export async function startHarness() {
  if (!existsSync(CHROMIUM)) {
    console.error(`e2e: no browser at ${CHROMIUM}; install it with: apt-get install -y chromium`);
    process.exit(1);
  }

  const results = [];
  async function check(name, fn) {
    const started = Date.now();
    try {
      await fn();
      results.push([name, true]);
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      results.push([name, false]);
      console.log(`FAIL ${name}: ${error.message}`);
    }
  }

  mkdirSync(shots, { recursive: true });
  const { base, stop } = await startDevServer("e2e");
  const browser = await chromium.launch({
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
  const consoleErrors = [];
  /** Console errors a scenario provokes on purpose (e.g. the 403s it is testing), while that scenario runs. */
  const expectedConsole = [];

  /** Runs `fn` with console errors matching `pattern` expected (not counted against the run). */
  async function expectingConsole(pattern, fn) {
    expectedConsole.push(pattern);
    try {
      await fn();
    } finally {
      expectedConsole.pop();
    }
  }

  async function newUser(label) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    page.on("console", (m) => {
      // Every console error counts, except those a scenario provokes on purpose (listed while it runs).
      if (m.type() !== "error") return;
      if (expectedConsole.some((pattern) => pattern.test(m.text()))) return;
      consoleErrors.push(`${label}: ${m.text()}`);
    });
    await page.goto(`${base}/register`);
    await page.fill("input[name=displayName]", label);
    // Kept: others find this user by email (adding a member to a private room).
    const email = `${label.toLowerCase()}-${Date.now()}@example.com`;
    await page.fill("input[name=email]", email);
    await page.fill("input[name=password]", "a long passphrase for e2e");
    await page.click("button[type=submit]");
    await page.waitForURL(`${base}/rooms`, { timeout: 15_000 });
    return { context, page, email };
  }

  /** Prints "N passed, M failed" and answers the exit code: 0 when nothing failed. */
  function report() {
    const failed = results.filter(([, ok]) => !ok).length;
    console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
  }

  return {
    base,
    browser,
    users: {},
    check,
    newUser,
    expectingConsole,
    consoleErrors,
    /** Where a screenshot called `name` goes (e2e/screenshots/). */
    shot: (name) => path.join(shots, name),
    report,
    close: async () => {
      await browser.close();
      stop();
    },
  };
}
