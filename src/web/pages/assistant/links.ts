// Where a link in an answer (or a source) may go: http(s), mailto or a relative address; an address inside
// Outpost's own pages goes through the router.

const SAFE_PROTOCOLS = new Set(["http", "https", "mailto"]);

/**
 * The URL, if it may be a link: relative, or http(s)/mailto; otherwise "" (rendered as plain text). Any colon
 * before the first `/`, `?` or `#` makes a scheme, so "java\tscript:" and "JAVASCRIPT:" are schemes too.
 */
export function safeUrl(url: string): string {
  const value = url.trim();
  const colon = value.indexOf(":");
  const ends = ["/", "?", "#"].map((c) => value.indexOf(c)).filter((i) => i >= 0);
  if (colon < 0 || ends.some((i) => i < colon)) return value;
  return SAFE_PROTOCOLS.has(value.slice(0, colon).toLowerCase()) ? value : "";
}

/** An address inside Outpost's UI (same origin, not the API): the router's `to`, else null. */
export function internalPath(
  href: string,
  here: string | undefined = typeof window === "undefined" ? undefined : window.location.href,
): string | null {
  if (!here || !href) return null;
  let url: URL;
  try {
    url = new URL(href, here);
  } catch {
    return null;
  }
  if (url.origin !== new URL(here).origin || url.pathname.startsWith("/api/")) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
