// The links in a text that may get a preview: found roughly as GitHub-flavoured Markdown autolinks them (what the
// room's renderer shows as a link), then parsed and normalised by the WHATWG URL parser. Only what parses, as
// http(s), ever leaves here: a client is sent these hrefs and must be able to parse them too.

/** How many links of one text get a preview, at most. */
export const MAX_LINKS = 3;
/** Longer links are not previewed (the unfurl service refuses them too). */
export const MAX_LINK_LENGTH = 2_048;

/**
 * An http(s) scheme, a host that starts right after `//` (not `///path`, not an IPv6 literal), then everything up to
 * white space or a character that cannot be in a link's text.
 */
const CANDIDATE = /\bhttps?:\/\/[^\s<>"'`/\\[\]][^\s<>"'`]*/gi;
/** Trailing characters that end a sentence rather than a link (as GFM's autolink literal trims them). */
const TRAILING = /^[.,:;!?*_~]$/;

/** `candidate` without trailing punctuation, and without closing brackets that open nowhere in it (linear time). */
function trimTrailing(candidate: string): string {
  const open = { ")": 0, "]": 0 };
  const close = { ")": 0, "]": 0 };
  for (const c of candidate) {
    if (c === "(") open[")"]++;
    else if (c === "[") open["]"]++;
    else if (c === ")" || c === "]") close[c]++;
  }
  let end = candidate.length;
  for (;;) {
    const last = candidate[end - 1] ?? "";
    if (TRAILING.test(last)) end--;
    else if ((last === ")" || last === "]") && open[last] < close[last]) {
      close[last]--;
      end--;
    } else return candidate.slice(0, end);
  }
}

/**
 * The normalised href of `raw` when it is an http(s) URL with a host name or IPv4 address that the URL parser
 * accepts, no credentials and a sane length; null otherwise (`http://[`, `http://a%zz.example/x`, `javascript:`).
 * IPv6 literals are left out: the Markdown renderer does not autolink them either.
 */
export function normaliseLink(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!url.hostname || url.hostname.startsWith("[") || url.username || url.password) return null;
  return url.href.length <= MAX_LINK_LENGTH ? url.href : null;
}

/**
 * Normalised http(s) links in a text, first mention first, each once (by normalised href), at most `max`.
 *
 * @example
 * linksIn("see https://Example.com/a, and http://[ here"); // ["https://example.com/a"]
 */
export function linksIn(text: string, max = MAX_LINKS): string[] {
  const found: string[] = [];
  if (max <= 0) return found;
  for (const [candidate] of text.matchAll(CANDIDATE)) {
    const href = normaliseLink(trimTrailing(candidate));
    if (href === null || found.includes(href)) continue;
    found.push(href);
    if (found.length >= max) break;
  }
  return found;
}
