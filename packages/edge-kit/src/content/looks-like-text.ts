// Whether a byte prefix reads as text: well-formed UTF-8 without the control bytes that mark binary data.

/** C0 control bytes that text may contain: tab, line feed, form feed, carriage return and escape. */
function isTextControl(byte: number): boolean {
  return byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d || byte === 0x1b;
}

/**
 * How many continuation bytes follow a UTF-8 lead byte, and the allowed range of the first one; null for a
 * byte that cannot start a sequence. The ranges exclude overlong forms, surrogates and code points above
 * U+10FFFF (RFC 3629 §4).
 */
function sequence(lead: number): { continuations: number; low: number; high: number } | null {
  if (lead >= 0xc2 && lead <= 0xdf) return { continuations: 1, low: 0x80, high: 0xbf };
  if (lead === 0xe0) return { continuations: 2, low: 0xa0, high: 0xbf };
  if (lead === 0xed) return { continuations: 2, low: 0x80, high: 0x9f };
  if (lead >= 0xe1 && lead <= 0xef) return { continuations: 2, low: 0x80, high: 0xbf };
  if (lead === 0xf0) return { continuations: 3, low: 0x90, high: 0xbf };
  if (lead >= 0xf1 && lead <= 0xf3) return { continuations: 3, low: 0x80, high: 0xbf };
  if (lead === 0xf4) return { continuations: 3, low: 0x80, high: 0x8f };
  return null;
}

/**
 * True when `head` is well-formed UTF-8 (an optional BOM is just U+FEFF) with no NUL and no C0 control
 * byte other than tab, LF, FF, CR and ESC. `head` is a prefix of a file, so a multi-byte sequence cut off
 * by its very end still counts as text, as long as the bytes present are valid so far.
 *
 * @example
 * looksLikeText(new TextEncoder().encode("caf\u00e9")); // true
 * looksLikeText(new Uint8Array([0x68, 0x00, 0x69])); // false: NUL
 */
export function looksLikeText(head: Uint8Array): boolean {
  let i = 0;
  while (i < head.length) {
    const byte = head[i] ?? 0;
    if (byte < 0x80) {
      if (byte < 0x20 && !isTextControl(byte)) return false;
      i++;
      continue;
    }
    const expected = sequence(byte);
    if (!expected) return false;
    for (let k = 1; k <= expected.continuations; k++) {
      const next = head[i + k];
      if (next === undefined) return true; // cut by the end of the sample
      const low = k === 1 ? expected.low : 0x80;
      const high = k === 1 ? expected.high : 0xbf;
      if (next < low || next > high) return false;
    }
    i += 1 + expected.continuations;
  }
  return true;
}
