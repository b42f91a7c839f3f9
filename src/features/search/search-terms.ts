// A search query made safe: its words (Unicode letters and digits), FTS5 and LIKE forms in which no character
// can act as syntax, and snippets that say where the words are.
import { SEARCH_TERMS_MAX, SNIPPET_MAX, type Snippet } from "./search.schema";

/** FTS5's operators, which are keywords only in upper case; as words of a query they are dropped. */
const FTS_OPERATORS = new Set(["AND", "OR", "NOT", "NEAR"]);
/** A word: a run of letters and digits. Everything else (quotes, `*`, `:`, `^`, `-`, parentheses…) separates. */
const WORD = /[\p{L}\p{N}]+/gu;
/**
 * D1 and Durable Object SQLite refuse a LIKE pattern over 50 bytes ("LIKE or GLOB pattern too complex"), and a
 * term becomes `%term%`: longer words are cut to their first 48 bytes of UTF-8 (still a substring of the word).
 */
export const TERM_MAX_BYTES = 48;
const encoder = new TextEncoder();

/** `word` cut to at most TERM_MAX_BYTES of UTF-8, at a code point boundary. */
function clip(word: string): string {
  if (word.length * 3 <= TERM_MAX_BYTES || encoder.encode(word).length <= TERM_MAX_BYTES) return word;
  let bytes = 0;
  let end = 0;
  for (const ch of word) {
    bytes += encoder.encode(ch).length;
    if (bytes > TERM_MAX_BYTES) break;
    end += ch.length;
  }
  return word.slice(0, end);
}

/**
 * The distinct words of `query` (case-insensitively distinct, first spelling kept, each cut to TERM_MAX_BYTES),
 * at most SEARCH_TERMS_MAX, without FTS5's upper-case operators. Empty when the query has no words.
 *
 * @example searchTerms('launch" NEAR(plan* OR x:y') // ["launch", "plan", "x", "y"]
 */
export function searchTerms(query: string): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const [whole] of query.normalize("NFC").matchAll(WORD)) {
    const word = clip(whole);
    const key = word.toLowerCase();
    if (FTS_OPERATORS.has(word) || seen.has(key)) continue;
    seen.add(key);
    terms.push(word);
    if (terms.length === SEARCH_TERMS_MAX) break;
  }
  return terms;
}

/**
 * An FTS5 MATCH expression for `terms`: each one a quoted string (so nothing in it is syntax; terms never hold
 * a `"`), any of them matching, the last also as a prefix (`"plan"*`, for search as you type).
 */
export function ftsMatch(terms: readonly string[]): string {
  return terms
    .map((term, i) => {
      const quoted = `"${term.replaceAll('"', '""')}"`;
      return i === terms.length - 1 ? `${quoted}*` : quoted;
    })
    .join(" OR ");
}

/** A LIKE pattern that finds `term` anywhere, with `\`, `%` and `_` escaped (use with ESCAPE '\'). */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** The terms' occurrences in `text`, case-insensitively, longest term first at a tie; [start, end) ranges. */
function occurrences(text: string, terms: readonly string[]): [number, number][] {
  if (terms.length === 0) return [];
  const alternatives = [...terms]
    .sort((a, b) => b.length - a.length)
    .map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(alternatives.join("|"), "giu");
  return [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length]);
}

/**
 * Up to about `max` characters of `text` (white space collapsed) around the first occurrence of a term, with
 * "…" where it was cut and the occurrences inside it as offsets into the snippet. Never splits a surrogate pair.
 */
export function snippetOf(source: string, terms: readonly string[], max = SNIPPET_MAX): Snippet {
  const text = source.replace(/\s+/g, " ").trim();
  const found = occurrences(text, terms);
  if (text.length <= max) return { text, highlights: found };
  const budget = max - 2; // room for an ellipsis on each side
  const first = found[0]?.[0] ?? 0;
  let start = Math.max(0, Math.min(first - Math.floor(budget / 4), text.length - budget));
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start -= 1;
  let end = Math.min(text.length, start + budget);
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end -= 1;
  const prefix = start > 0 ? "…" : "";
  const suffix = end < text.length ? "…" : "";
  const shift = prefix.length - start;
  const highlights = found
    .filter(([from, to]) => to > start && from < end)
    .map(([from, to]): [number, number] => [Math.max(from, start) + shift, Math.min(to, end) + shift]);
  return { text: `${prefix}${text.slice(start, end)}${suffix}`, highlights };
}
