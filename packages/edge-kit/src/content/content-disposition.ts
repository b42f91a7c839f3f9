// Content-Disposition per RFC 6266 / RFC 8187: an ASCII fallback and the exact UTF-8 name.
import { sanitizeFileName } from "./file-name";

/** RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;
const encoder = new TextEncoder();

/** RFC 8187 ext-value text: every UTF-8 byte outside attr-char as %XX (upper-case hex). */
function percentEncode(value: string): string {
  let encoded = "";
  for (const byte of encoder.encode(value)) {
    const char = String.fromCharCode(byte);
    encoded += ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

/**
 * The `filename` fallback for clients without RFC 8187: printable ASCII only. Quotes and backslashes
 * would end or escape the quoted string, and `%` is replaced as well because some browsers percent-decode
 * this parameter (RFC 6266 appendix D); each other code point becomes one `_`.
 */
function asciiFallback(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\%]/gu, "_");
}

/**
 * A Content-Disposition value for a file name: the name is sanitised first (no path, controls or bidi
 * characters), then given twice, as a quoted ASCII fallback and as `filename*` with the exact UTF-8 name.
 * The value never contains CR, LF or a character outside printable ASCII.
 *
 * @example
 * contentDisposition("attachment", "résumé.pdf");
 * // attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf
 */
export function contentDisposition(kind: "inline" | "attachment", fileName: string): string {
  const name = sanitizeFileName(fileName);
  return `${kind}; filename="${asciiFallback(name)}"; filename*=UTF-8''${percentEncode(name)}`;
}
