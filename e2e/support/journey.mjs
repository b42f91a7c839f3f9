// One journey = one spec file under node:test. `defineJourney(name)` is its fixture: the app server (E2E_BASE_URL or
// its own), the browser, people signed up or signed in, screenshots at desktop and phone width, axe on each page
// in light and dark, visible-focus checks, and console errors. `j.test()` runs a step: the steps of a journey
// build on each other, so after one fails the rest are skipped; console errors nobody allowed, accessibility
// violations and focus problems met during a step fail it at its end (all of them listed, not only the first).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { AXE_MODE, axeViolations, COLOUR_RULES, describeViolation } from "./a11y.mjs";
import { DESKTOP, launchBrowser, PHONE } from "./browser.mjs";
import { ConsoleGuard } from "./console-guard.mjs";
import { Keyboard } from "./keyboard.mjs";
import { startAppServer } from "./server.mjs";
import { settle, trackNetwork } from "./settle.mjs";
import { ADMIN, PASSWORD, registerInBrowser, registerWithApi, signInWithApi, User } from "./users.mjs";

export const SCREENSHOTS = path.resolve(import.meta.dirname, "..", "screenshots");
export { DESKTOP, PHONE };

const WIDTHS = [
  ["desktop", DESKTOP],
  ["phone", PHONE],
];

/**
 * The fixture of one journey (call it once, at the top of the spec file).
 * @param {string} name used in screenshot names (e2e/screenshots/<name>-<shot>-desktop.png) and emails
 * @param {{ allowConsole?: RegExp[] }} [options] console errors the whole journey expects
 */
export function defineJourney(name, options = {}) {
  const journey = new Journey(name, options);
  before(() => journey.start(), { timeout: 240_000 });
  after(() => journey.stop(), { timeout: 60_000 });
  return journey;
}

export class Journey {
  /** @type {string} */ base;
  /** Whether the server started empty for this run (names need no suffix to be unique). */ fresh = true;
  /** @type {import("playwright-core").Browser} */ browser;
  #server;
  #contexts = [];
  #console;
  /** Problems found during the current step that fail it at its end. */
  #findings = [];
  /** Every accessibility violation, for the report file. */
  #a11yLog = [];
  /** The step that failed; later steps are skipped. */
  #broken = null;
  #step = "setup";
  #runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

  constructor(name, { allowConsole = [] } = {}) {
    this.name = name;
    this.#console = new ConsoleGuard(allowConsole);
  }

  async start() {
    mkdirSync(path.join(SCREENSHOTS, "failures"), { recursive: true });
    // This journey's screenshots, report and failure screenshots of an earlier run.
    for (const dir of [SCREENSHOTS, path.join(SCREENSHOTS, "failures")]) {
      for (const file of readdirSync(dir, { withFileTypes: true })) {
        if (file.isFile() && file.name.startsWith(`${this.name}-`)) rmSync(path.join(dir, file.name), { force: true });
      }
    }
    this.#server = await startAppServer();
    this.base = this.#server.base;
    this.fresh = this.#server.fresh;
    this.browser = await launchBrowser();
  }

  async stop() {
    const late = this.#console.drain();
    if (this.#a11yLog.length) {
      writeFileSync(path.join(SCREENSHOTS, `${this.name}-a11y.json`), `${JSON.stringify(this.#a11yLog, null, 2)}\n`);
    }
    await this.browser?.close().catch(() => {});
    await this.#server?.stop();
    if (late.length) throw new Error(`console errors after the last step:\n${late.join("\n")}`);
  }

  // ---- steps ------------------------------------------------------------------------------------------------

  /**
   * A step of the journey (a node:test test). Fails when `fn` throws, or at its end when it met console errors
   * nobody allowed, serious or critical axe violations (unless E2E_AXE=report) or focus problems.
   */
  test(title, fn, { timeout = 240_000 } = {}) {
    test(`${this.name}: ${title}`, { timeout }, async (t) => {
      if (this.#broken) {
        t.skip(`skipped: the earlier step "${this.#broken}" failed`);
        return;
      }
      this.#step = title;
      this.#findings = [];
      let failure;
      try {
        await fn(t);
      } catch (error) {
        failure = error;
        this.#broken = title;
        await this.#failureShots(title);
      }
      const problems = [...this.#console.drain().map((line) => `console error: ${line}`), ...this.#findings.splice(0)];
      if (failure) {
        for (const problem of problems) t.diagnostic(problem);
        throw failure;
      }
      if (problems.length) {
        throw new Error(`${problems.length} problem(s) in "${title}":\n\n${problems.join("\n\n")}`);
      }
    });
  }

  /** Records a problem that fails the current step at its end (the step goes on, to find any others). */
  report(problem) {
    this.#findings.push(problem);
  }

  /** Runs `fn` with console errors matching `patterns` allowed (the 403 a refusal provokes on purpose). */
  expectingConsole(patterns, fn) {
    return this.#console.expecting(patterns, fn);
  }

  async #failureShots(title) {
    const dir = path.join(SCREENSHOTS, "failures");
    mkdirSync(dir, { recursive: true });
    const slug = title.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
    let n = 0;
    for (const context of this.#contexts) {
      for (const page of context.pages()) {
        await page
          .screenshot({ path: path.join(dir, `${this.name}-${slug}-${++n}.png`), fullPage: true, timeout: 5_000 })
          .catch(() => {});
      }
    }
  }

  // ---- naming -----------------------------------------------------------------------------------------------

  /** `name` on a server started for this run; `name-<run id>` on one shared with earlier runs (E2E_BASE_URL). */
  unique(name) {
    return this.fresh ? name : `${name}-${this.#runId}`;
  }

  /** An email no other journey (or, on a reused server, no other run) registers. */
  email(label) {
    return `${this.unique(`${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.${this.name}`)}@example.com`;
  }

  // ---- browsers and people ----------------------------------------------------------------------------------

  /**
   * A browser context (1280×800, light colour scheme) whose pages are watched: console errors, requests in flight
   * (for `settle`). `label` names the person in console error reports.
   */
  async newContext({ label = "visitor", ...options } = {}) {
    const context = await this.browser.newContext({ viewport: DESKTOP, colorScheme: "light", ...options });
    this.#contexts.push(context);
    context.on("page", (page) => this.#watch(page, label));
    return context;
  }

  #watch(page, label) {
    trackNetwork(page);
    this.#console.watch(page, label);
  }

  /**
   * A new person, registered and signed in with a page of their own (on about:blank: go where the step needs).
   * `via: "api"` (default) registers through the API; `via: "ui"` on the register page.
   */
  async signUp(label, { name = label, email = this.email(label), via = "api" } = {}) {
    const context = await this.newContext({ label });
    const page = await context.newPage();
    const account = { name, email, password: PASSWORD };
    if (via === "ui") await registerInBrowser(page, this.base, account);
    else await registerWithApi(context, this.base, account);
    const me = await (await context.request.get(`${this.base}/api/auth/me`)).json();
    return new User({ base: this.base, ...account, id: me.id, role: me.role, context, page });
  }

  /** Another browser of an existing person, signed in through the API. */
  async signIn(person, { label = `${person.name} (2nd browser)` } = {}) {
    const context = await this.newContext({ label });
    const page = await context.newPage();
    const account = await signInWithApi(context, this.base, person);
    return new User({ ...person, base: this.base, id: account.id, role: account.role, context, page });
  }

  /** The admin (ADMIN_EMAIL), registered by the first journey to ask and signed in by the others. */
  async admin({ label = "admin" } = {}) {
    const context = await this.newContext({ label });
    const page = await context.newPage();
    const account = await registerWithApi(context, this.base, ADMIN, { orSignIn: true });
    if (account.role !== "admin") {
      throw new Error(
        `${ADMIN.email} is not an admin on ${this.base}: start the server with ADMIN_EMAIL=${ADMIN.email} ` +
          "(e2e/run.mjs and a journey run alone do; for another server set OUTPOST_VARS)",
      );
    }
    return new User({
      base: this.base,
      ...ADMIN,
      name: account.displayName,
      id: account.id,
      role: account.role,
      context,
      page,
    });
  }

  /** Tab-only moves on `page`, with focus problems reported to the current step. */
  keyboard(page) {
    return new Keyboard(page, (problem) => this.report(`focus: ${problem}`));
  }

  // ---- pages: screenshots and accessibility ----------------------------------------------------------------

  /**
   * Checks the page as it is now with axe at desktop and phone width, each in the light colour scheme (every rule)
   * and the dark one (the colour rules: nothing else changes with the scheme); with `shot`, saves
   * e2e/screenshots/<journey>-<shot>-desktop.png and -phone.png (light) on the way, once the page has settled (an
   * image that does not load is reported). Call it on every page (and every state of a page worth seeing) the
   * journey visits. The viewport and the colour scheme are put back.
   * @param {import("playwright-core").Page} page
   * @param {string} label what the page is, for reports ("the rooms list")
   * @param {{ shot?: string, fullPage?: boolean }} [options]
   */
  async checkPage(page, label, { shot, fullPage = false } = {}) {
    const original = page.viewportSize() ?? DESKTOP;
    const found = [];
    const onProblem = (problem) => this.report(`${label}: ${problem}`);
    try {
      for (const [width, size] of WIDTHS) {
        await page.setViewportSize(size);
        await settle(page, { onProblem });
        if (shot) await page.screenshot({ path: this.shotPath(shot, width), fullPage, caret: "hide" });
        found.push({ variant: `${width} light`, violations: await axeViolations(page) });
        // Only colours change with the scheme: the dark run checks the colour rules (contrast) alone.
        await page.emulateMedia({ colorScheme: "dark" });
        await settle(page, { quietMs: 100, onProblem: () => {} });
        const dark = await axeViolations(page, { rules: COLOUR_RULES });
        found.push({ variant: `${width} dark`, rules: COLOUR_RULES, violations: dark });
        await page.emulateMedia({ colorScheme: "light" });
      }
    } finally {
      await page.emulateMedia({ colorScheme: "light" });
      await page.setViewportSize(original);
    }
    this.#a11yResult(`${label} (${new URL(page.url()).pathname})`, found);
  }

  /** Saves desktop and phone screenshots of a page or of one element (a locator), once things have settled. */
  async screenshot(target, shot, { fullPage = false } = {}) {
    const page = typeof target.page === "function" ? target.page() : target;
    const original = page.viewportSize() ?? DESKTOP;
    try {
      for (const [width, size] of WIDTHS) {
        await page.setViewportSize(size);
        await settle(page, { onProblem: (problem) => this.report(`screenshot ${shot}: ${problem}`) });
        const options = { path: this.shotPath(shot, width), caret: "hide" };
        if (target === page) await page.screenshot({ ...options, fullPage });
        else await target.screenshot(options);
      }
    } finally {
      await page.setViewportSize(original);
    }
  }

  shotPath(shot, width) {
    return path.join(SCREENSHOTS, `${this.name}-${shot}-${width}.png`);
  }

  /**
   * axe on the page as it is now: serious and critical violations fail the step at its end (each listed with its
   * rule, help and nodes) or, with E2E_AXE=report, are only logged.
   */
  async checkA11y(page, label) {
    this.#a11yResult(label, [{ variant: "", violations: await axeViolations(page) }]);
  }

  /** Records the violations of one page seen in some variants (width, scheme), each rule and node listed once. */
  #a11yResult(label, found) {
    const merged = new Map();
    for (const { variant, violations } of found) {
      for (const v of violations) {
        const key = `${v.id}|${v.nodes.map((n) => n.target).join(",")}`;
        const entry = merged.get(key) ?? { ...v, variants: [] };
        if (variant) entry.variants.push(variant);
        merged.set(key, entry);
      }
    }
    if (!merged.size) return;
    const violations = [...merged.values()];
    this.#a11yLog.push({ step: this.#step, page: label, violations });
    const lines = violations.map((v) => {
      const checked = found.filter((f) => !f.rules || f.rules.includes(v.id)).length;
      const where = v.variants.length && v.variants.length < checked ? ` [only ${v.variants.join(", ")}]` : "";
      return describeViolation(v).replace("\n", `${where}\n`);
    });
    const text = `axe: ${violations.length} serious/critical violation(s) on ${label}:\n${lines.join("\n")}`;
    if (AXE_MODE === "report") console.log(`[${this.name}] ${text}`);
    else this.report(text);
  }
}

/** How far the page is wider than its viewport, in CSS pixels (0 when it fits). */
export function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}
