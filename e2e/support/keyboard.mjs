// The keyboard fixture: moving through a page with Tab alone, checking at every stop that focus can be seen, and,
// after a page changes, that focus is somewhere sensible rather than lost in the middle of the new page.
// "Seen": once focus has moved on, the element and its surroundings (a margin for outlines, and any ancestor styled
// with :focus-within, the wrapper of a text field that draws its ring) are captured as they are, then again with
// :focus and :focus-visible forced on the element (and :focus-within on those wrappers) through the DevTools
// protocol. Identical pixels (caret hidden) mean focus changes nothing visible. Both captures have focus elsewhere,
// and outside those wrappers (the check waits until focus has left them), so a neighbour's ring cannot pass for one
// of its own. Only Tab stops are checked: a heading the app focuses after a page change need not show a ring.

import { settle } from "./settle.mjs";

/** A description of the focused element, or `{ none: true }` when nothing but the document has focus. */
export function focusInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return { none: true, text: "<body>" };
    const r = el.getBoundingClientRect();
    const labelled = el.getAttribute("aria-labelledby");
    const name = (
      el.getAttribute("aria-label") ||
      (labelled && document.getElementById(labelled.split(" ")[0])?.textContent) ||
      el.labels?.[0]?.textContent ||
      el.textContent ||
      el.getAttribute("placeholder") ||
      el.getAttribute("title") ||
      ""
    )
      .trim()
      .replace(/\s+/g, " ")
      .slice(0, 60);
    let href = null;
    if (el instanceof HTMLAnchorElement && el.hasAttribute("href")) {
      try {
        href = new URL(el.href).pathname;
      } catch {
        href = el.getAttribute("href");
      }
    }
    const tag = el.tagName.toLowerCase();
    return {
      none: false,
      tag,
      name,
      href,
      rect: { x: r.x, y: r.y, width: r.width, height: r.height },
      shown: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
      // A Tab stop; an element focused by the app (a heading with tabindex=-1 after a page change) is not one.
      tabbable: el.tabIndex >= 0,
      text: `<${tag}${href ? ` href="${href}"` : ""}${el.type && tag === "input" ? ` type=${el.type}` : ""}> "${name}"`,
    };
  });
}

/** A target for `tabTo`: a link to this path. */
export const linkTo = (path) => ({ what: `a link to ${path}`, matches: (info) => info.href === path });

/**
 * Keyboard moves with checks. `report(message)` receives each problem found (focus not visible, focus lost);
 * the journey fails the step with them at its end.
 */
export class Keyboard {
  /** @type {Set<string>} elements already seen to show focus */
  #verified = new Set();
  /** @type {import("playwright-core").CDPSession | undefined} */
  #session;

  constructor(page, report) {
    this.page = page;
    this.report = report;
  }

  /**
   * Presses Tab until `target` has focus (a Playwright locator, or `{ what, matches(info) }`), checking that each
   * element passed on the way shows its focus. Throws, listing the stops, when `max` presses do not reach it.
   */
  async tabTo(target, { max = 200 } = {}) {
    const what = target.what ?? String(target);
    const stops = [];
    // Elements passed on the way, each checked once focus is out of it and its :focus-within wrappers.
    let pending = [];
    try {
      let info = await focusInfo(this.page);
      for (let presses = 0; ; presses++) {
        if (!info.none && (await this.#isTarget(target, info))) {
          await this.#checkTargetShown(info);
          return info;
        }
        if (presses === max) {
          throw new Error(`${max} presses of Tab did not reach ${what}; focus went: ${stops.slice(-40).join(" → ")}`);
        }
        const look = info.none ? null : await this.#focusedLook(info);
        if (look) pending.push(look);
        await this.page.keyboard.press("Tab");
        pending = await this.#checkLeft(pending);
        info = await focusInfo(this.page);
        stops.push(info.text);
      }
    } finally {
      if (this.#session) await this.#session.send("Runtime.releaseObjectGroup", { objectGroup: GROUP }).catch(() => {});
    }
  }

  /** Types into the focused element, key by key. */
  type(text) {
    return this.page.keyboard.type(text);
  }

  press(key) {
    return this.page.keyboard.press(key);
  }

  /**
   * After something replaced what had focus (a page change, a submitted form): focus must be on something shown,
   * or the next Tab must go to the page's first control or to the first control of its main content, as after a
   * page load or a skip link, and not to somewhere in the middle of the page. Answers where focus is (the probing
   * Tab, if one was needed, is part of the walk).
   */
  async expectSensibleFocus(after) {
    await settle(this.page);
    const info = await focusInfo(this.page);
    if (!info.none) {
      if (!info.shown) this.report(`after ${after}, focus is on ${info.text}, which is not on screen`);
      return info;
    }
    await this.page.evaluate(() => {
      const tabbable = (el) =>
        !el.disabled &&
        el.tabIndex >= 0 &&
        el.getClientRects().length > 0 &&
        getComputedStyle(el).visibility !== "hidden" &&
        !el.closest("[inert], [hidden]");
      const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
      const first = [...document.querySelectorAll(selector)].find(tabbable);
      const main = document.querySelector("main, [role=main]");
      const firstInMain = main && [...main.querySelectorAll(selector)].find(tabbable);
      first?.setAttribute("data-e2e-sensible", "");
      firstInMain?.setAttribute("data-e2e-sensible", "");
    });
    await this.page.keyboard.press("Tab");
    const landed = await this.page.evaluate(() => {
      const marked = [...document.querySelectorAll("[data-e2e-sensible]")];
      for (const el of marked) el.removeAttribute("data-e2e-sensible");
      return marked.length === 0 || marked.includes(document.activeElement);
    });
    const next = await focusInfo(this.page);
    if (!landed) {
      this.report(
        `after ${after}, focus was lost: it was on <body>, and Tab then went to ${next.text}, neither the page's ` +
          "first control nor the first of its main content",
      );
    }
    return next;
  }

  async #isTarget(target, info) {
    if (typeof target.matches === "function") return target.matches(info);
    return target.evaluateAll((els) => els.includes(document.activeElement));
  }

  /**
   * The focused element (a Tab stop not yet seen to show focus) and its ancestors styled with :focus-within, as
   * DevTools objects, for `#checkShown` once focus has moved on. Null: nothing to check.
   */
  async #focusedLook(info) {
    const key = `${info.tag}|${info.href ?? ""}|${info.name}`;
    if (this.#verified.has(key) || !info.shown || !info.tabbable) return null;
    const cdp = await this.#cdp();
    const { result } = await cdp.send("Runtime.evaluate", { expression: "document.activeElement", objectGroup: GROUP });
    if (!result.objectId) return null;
    await cdp.send("DOM.getDocument", { depth: 0 });
    const wrappers = [];
    let objectId = result.objectId;
    for (let level = 0; level < 4; level++) {
      const parent = await cdp.send("Runtime.callFunctionOn", {
        objectId,
        functionDeclaration: "function () { return this.parentElement; }",
        objectGroup: GROUP,
      });
      objectId = parent.result.objectId;
      if (!objectId) break;
      const { nodeId } = await cdp.send("DOM.requestNode", { objectId });
      const { matchedCSSRules = [] } = await cdp.send("CSS.getMatchedStylesForNode", { nodeId });
      const withinStyled = matchedCSSRules.some(({ rule, matchingSelectors }) =>
        matchingSelectors.some((i) => rule.selectorList.selectors[i]?.text.includes(":focus-within")),
      );
      if (withinStyled) wrappers.push(objectId);
    }
    return { key, info, element: result.objectId, wrappers };
  }

  /** Calls `fn` (a function's source) on a DevTools object; answers its value (undefined when that fails). */
  async #call(objectId, fn) {
    const cdp = await this.#cdp();
    const res = await cdp
      .send("Runtime.callFunctionOn", { objectId, functionDeclaration: fn, returnByValue: true })
      .catch(() => null);
    return res?.result?.value;
  }

  /**
   * Checks the elements of `looks` that focus has left, together with their :focus-within wrappers (while focus is
   * inside a wrapper, its ring shows either way, and no comparison is fair); answers the others, to check later.
   */
  async #checkLeft(looks) {
    const waiting = [];
    for (const look of looks) {
      const contains = "function () { return this.contains(document.activeElement); }";
      let inside = Boolean(await this.#call(look.element, contains));
      for (const wrapper of look.wrappers) inside ||= Boolean(await this.#call(wrapper, contains));
      if (inside) waiting.push(look);
      else await this.#checkShown(look);
    }
    return waiting;
  }

  /** Captures the element of `look` (focus is elsewhere) as it is and with focus forced on; equal means unseen. */
  async #checkShown(look) {
    const rect =
      "function () { const r = this.getBoundingClientRect(); " +
      "return this.isConnected ? { left: r.left, top: r.top, right: r.right, bottom: r.bottom } : null; }";
    // Scrolled since it had focus, it may sit under the sticky header now: bring it back into view first (the page's
    // scroll-padding keeps it below the header), as it was when it had focus.
    const uncover =
      "function () { const r = this.getBoundingClientRect(); const x = (r.left + r.right) / 2; const y = (r.top + r.bottom) / 2; " +
      "const at = document.elementFromPoint(x, y); if (at && !this.contains(at) && !at.contains(this)) this.scrollIntoView({ block: 'nearest' }); }";
    await this.#call(look.element, uncover);
    const own = await this.#call(look.element, rect);
    if (!own || own.right - own.left === 0 || own.bottom - own.top === 0) return; // gone or hidden
    const boxes = [own];
    for (const wrapper of look.wrappers) {
      const box = await this.#call(wrapper, rect);
      if (box) boxes.push(box);
    }
    const clip = clipOf(boxes, this.page.viewportSize());
    if (!clip) return;
    const cdp = await this.#cdp();
    await cdp.send("DOM.getDocument", { depth: 0 });
    const forced = [];
    for (const [i, objectId] of [look.element, ...look.wrappers].entries()) {
      const { nodeId } = await cdp.send("DOM.requestNode", { objectId }).catch(() => ({ nodeId: 0 }));
      if (nodeId) forced.push({ nodeId, classes: i === 0 ? ["focus", "focus-visible"] : ["focus-within"] });
    }
    if (!forced.length) return;
    const force = async (on) => {
      for (const { nodeId, classes } of forced) {
        await cdp.send("CSS.forcePseudoState", { nodeId, forcedPseudoClasses: on ? classes : [] }).catch(() => {});
      }
    };
    const options = { clip, caret: "hide", animations: "disabled" };
    const unfocused = await this.page.screenshot(options);
    await force(true);
    try {
      const focused = await this.page.screenshot(options);
      if (unfocused.equals(focused)) this.report(`no visible focus indicator on ${look.info.text} at ${this.path()}`);
      else this.#verified.add(look.key);
    } finally {
      await force(false);
    }
  }

  /** For the target, which has focus: Shift+Tab away, compare (if focus left its wrappers too), Tab back. */
  async #checkTargetShown(info) {
    const look = await this.#focusedLook(info);
    if (!look) return;
    await this.page.keyboard.press("Shift+Tab");
    await this.#checkLeft([look]);
    await this.page.keyboard.press("Tab");
  }

  async #cdp() {
    if (!this.#session) {
      this.#session = await this.page.context().newCDPSession(this.page);
      await this.#session.send("DOM.enable");
      await this.#session.send("CSS.enable");
    }
    return this.#session;
  }

  path() {
    return new URL(this.page.url()).pathname;
  }
}

/** Objects fetched for the focus checks, released after each `tabTo`. */
const GROUP = "e2e-focus";

/** The boxes together, plus 6 px for outlines, within the viewport; null when nothing of them is on screen. */
function clipOf(boxes, viewport) {
  if (!viewport) return null;
  const x = Math.max(0, Math.floor(Math.min(...boxes.map((b) => b.left)) - 6));
  const y = Math.max(0, Math.floor(Math.min(...boxes.map((b) => b.top)) - 6));
  const right = Math.min(viewport.width, Math.ceil(Math.max(...boxes.map((b) => b.right)) + 6));
  const bottom = Math.min(viewport.height, Math.ceil(Math.max(...boxes.map((b) => b.bottom)) + 6));
  if (right - x < 2 || bottom - y < 2) return null;
  return { x, y, width: right - x, height: bottom - y };
}
