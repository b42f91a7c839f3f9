// Waiting for a page to be still before a screenshot or an accessibility check: no request in flight, fonts
// loaded, every image that is shown decoded (a broken one fails), finite animations and transitions finished.

/** In-flight requests per page and when each started (WebSockets and event streams never end: not counted). */
const inflight = new WeakMap();
/** A request open longer than this is taken for a long-lived one (a stream, a long poll, an unread body). */
const LONG_LIVED_MS = 5_000;

/** Starts counting `page`'s requests; call it as soon as the page exists. */
export function trackNetwork(page) {
  const open = new Map();
  inflight.set(page, open);
  page.on("request", (request) => {
    if (!["websocket", "eventsource"].includes(request.resourceType()) && !request.url().startsWith("data:")) {
      open.set(request, Date.now());
    }
  });
  const done = (request) => open.delete(request);
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  page.on("close", () => open.clear());
}

/**
 * Resolves when `page` has been quiet: no request in flight for `quietMs` (a request open for more than 5 s is taken
 * for a stream or a long poll and not waited for), fonts ready, every shown image loaded, animations done; at most
 * `timeoutMs` for the network (then it says what it was waiting for, and goes on). An image that fails to load
 * (or is still loading at the deadline) throws, or is passed to `onProblem`.
 */
export async function settle(page, { quietMs = 200, timeoutMs = 10_000, onProblem } = {}) {
  const deadline = Date.now() + timeoutMs;
  const open = inflight.get(page);
  if (open) {
    const busy = () => [...open].filter(([, started]) => Date.now() - started < LONG_LIVED_MS).map(([r]) => r);
    let quietSince = Date.now();
    for (;;) {
      if (busy().length > 0) quietSince = Date.now();
      else if (Date.now() - quietSince >= quietMs) break;
      if (Date.now() > deadline) {
        const urls = busy()
          .map((r) => `${r.method()} ${r.url()}`)
          .join(", ");
        console.log(`settle: still waiting after ${timeoutMs} ms for ${urls}; going on`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const problem = await imagesLoaded(page, Math.max(2_000, deadline - Date.now()));
  if (problem && onProblem) onProblem(problem);
  else if (problem) throw new Error(problem);
  await page.evaluate(async () => {
    // Finite animations and transitions (a spinner's infinite one is left running).
    const finite = document
      .getAnimations()
      .filter((a) => a.playState === "running" && Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity));
    await Promise.race([
      Promise.all(finite.map((a) => a.finished.catch(() => {}))),
      new Promise((r) => setTimeout(r, 2_000)),
    ]);
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
}

/**
 * Waits until each image that is rendered (and not lazily waiting off-screen) is complete with pixels; answers a
 * sentence naming the images that failed to load or are still loading at the deadline, else null.
 */
async function imagesLoaded(page, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { pending, broken } = await page.evaluate(async () => {
      const shown = [...document.images].filter((img) => {
        if (img.getClientRects().length === 0 || getComputedStyle(img).visibility === "hidden") return false;
        if (img.loading !== "lazy") return true;
        const r = img.getBoundingClientRect();
        return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
      });
      const label = (img) => `${img.alt ? `"${img.alt}" ` : ""}${img.currentSrc || img.src}`.slice(0, 200);
      // naturalWidth 0 is also an SVG without an intrinsic size: only a failed decode means broken.
      const failed = await Promise.all(
        shown.map((img) =>
          img.complete && img.naturalWidth === 0
            ? img.decode().then(
                () => false,
                () => true,
              )
            : false,
        ),
      );
      return {
        pending: shown.filter((img) => !img.complete).map(label),
        broken: shown.filter((_, i) => failed[i]).map(label),
      };
    });
    if (broken.length) return `image${broken.length > 1 ? "s" : ""} failed to load: ${broken.join(", ")}`;
    if (!pending.length) return null;
    if (Date.now() > deadline) return `images still loading after ${timeoutMs} ms: ${pending.join(", ")}`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
