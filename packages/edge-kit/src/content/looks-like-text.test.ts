// Tests for looksLikeText: UTF-8 well-formedness on a prefix, and which control bytes mark binary data.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { looksLikeText } from ".";

const utf8 = (value: string) => new TextEncoder().encode(value);
const bytes = (...values: number[]) => Uint8Array.from(values);
const BINARY_CONTROLS = [0x00, 0x01, 0x07, 0x08, 0x0b, 0x0e, 0x1a, 0x1c, 0x1f];

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
function decodes(head: Uint8Array): string | null {
  try {
    return strict.decode(head);
  } catch {
    return null;
  }
}

/** Continuation bytes that between them satisfy every lead byte's first-continuation range. */
const COMPLETIONS = [0x80, 0x90, 0xa0].flatMap((first) => [[first], [first, 0x80], [first, 0x80, 0x80]]);

/**
 * The reference: a strict decoder accepts the bytes, or accepts them without a tail of 1–3 bytes that some
 * continuation bytes complete into exactly one character.
 */
function decodesAsPrefix(head: Uint8Array): boolean {
  if (decodes(head) !== null) return true;
  for (let cut = 1; cut <= Math.min(3, head.length); cut++) {
    if (decodes(head.subarray(0, head.length - cut)) === null) continue;
    const tail = Array.from(head.subarray(head.length - cut));
    for (const completion of COMPLETIONS) {
      const char = decodes(Uint8Array.from([...tail, ...completion]));
      if (char !== null && [...char].length === 1) return true;
    }
  }
  return false;
}

describe("looksLikeText", () => {
  it("accepts UTF-8 text with tab, LF, FF, CR, ESC, DEL and a BOM", () => {
    expect(looksLikeText(utf8("\uFEFFcol1\tcol2\r\nnext\fpage \x1b[1mbold\x1b[0m \x7f"))).toBe(true);
    expect(looksLikeText(utf8("héllo wörld — 日本語 😀"))).toBe(true);
    expect(looksLikeText(new Uint8Array(0))).toBe(true);
  });

  it.each(BINARY_CONTROLS.map((byte) => [byte.toString(16).padStart(2, "0"), byte]))(
    "refuses the binary control byte 0x%s",
    (_, control) => {
      expect(looksLikeText(bytes(0x61, control, 0x62))).toBe(false);
    },
  );

  it.each([
    ["a lone continuation byte", [0x61, 0x80]],
    ["an overlong two-byte form", [0xc0, 0xaf]],
    ["an overlong three-byte form", [0xe0, 0x80, 0xaf]],
    ["a UTF-16 surrogate", [0xed, 0xa0, 0x80]],
    ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["a byte that never occurs (F5)", [0xf5, 0x80, 0x80, 0x80]],
    ["a sequence interrupted before its end", [0xe6, 0x97, 0x61]],
    ["a UTF-16 BOM", [0xff, 0xfe, 0x61, 0x00]],
  ])("refuses %s", (_, values) => {
    expect(looksLikeText(Uint8Array.from(values))).toBe(false);
  });

  it("accepts a multi-byte character cut by the end of the sample, but only a valid start of one", () => {
    const full = utf8("ok 😀");
    for (let cut = 1; cut <= 3; cut++) expect(looksLikeText(full.subarray(0, full.length - cut))).toBe(true);
    expect(looksLikeText(bytes(0x61, 0xed, 0xa0))).toBe(false); // the start of a surrogate
    expect(looksLikeText(bytes(0x61, 0xf0, 0x80))).toBe(false); // the start of an overlong form
  });

  it("accepts every prefix of any text free of binary controls", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), fc.nat(), (value, at) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the bytes that mean binary
        const encoded = utf8(value.replace(/[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f]/g, ""));
        expect(looksLikeText(encoded.subarray(0, at % (encoded.length + 1)))).toBe(true);
      }),
      { seed: 17, numRuns: 500 },
    );
  });

  it("agrees with a strict UTF-8 decoder on arbitrary bytes", () => {
    const textish = fc.uint8Array({ maxLength: 24 }).map((raw) => raw.map((byte) => Math.max(byte, 0x20)));
    const mutated = fc
      .tuple(fc.string({ unit: "binary", minLength: 1, maxLength: 12 }), fc.nat(), fc.integer({ min: 0x80, max: 0xff }))
      .map(([value, at, byte]) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: keeping control bytes out of this arbitrary
        const encoded = utf8(value.replace(/[\u0000-\u001f]/g, " "));
        encoded[at % encoded.length] = byte;
        return encoded;
      });
    fc.assert(
      fc.property(fc.oneof(textish, mutated), (head) => {
        expect(looksLikeText(head)).toBe(decodesAsPrefix(head));
      }),
      { seed: 23, numRuns: 3_000 },
    );
  });
});
