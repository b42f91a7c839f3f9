// Well-formed text at every boundary that takes text (HTTP bodies, query strings, path parameters, WebSocket frames).
// A JavaScript string may hold a lone surrogate (U+D800–U+DFFF without its pair), e.g. from the JSON escape
// "\ud800". Such a string has no UTF-8 form: encoding it (to hash a password, to store it in D1 or R2, to send it)
// silently turns every lone surrogate into U+FFFD, so "pass-\ud800" and "pass-\udfff" would become one password.
// Refusing it at the boundary (400, or an `invalid-frame` error on a socket) keeps what is stored what was sent.
// Browser-safe (zod only): schemas built on `text()` and shared with a UI check the same thing before sending.
import { z } from "zod";

export const NOT_WELL_FORMED = "must be well-formed Unicode text (it contains a lone surrogate code point)";

/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `String.prototype.isWellFormed` (ES2024), with the same answer computed where a browser lacks it. */
export function isWellFormedText(value: string): boolean {
  const native = (value as { isWellFormed?: () => boolean }).isWellFormed;
  return typeof native === "function" ? native.call(value) : !LONE_SURROGATE.test(value);
}

/** The fallback alone, so a test can check that it agrees with the native method on every string. */
export function hasLoneSurrogate(value: string): boolean {
  return LONE_SURROGATE.test(value);
}

/**
 * A string that must be well-formed Unicode: the one refinement every text input uses. Chain the usual checks
 * after it (`text().min(1).max(64)`); it runs first, so a transform after it never sees ill-formed text.
 */
export const text = () => z.string().refine(isWellFormedText, { message: NOT_WELL_FORMED, abort: true });
