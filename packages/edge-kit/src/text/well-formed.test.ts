import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasLoneSurrogate, isWellFormedText, NOT_WELL_FORMED, text } from "./well-formed";

/** Any sequence of UTF-16 code units: lone surrogates, pairs in either order, and everything else. */
const codeUnits = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff })), { maxLength: 40 })
  .map((units) => String.fromCharCode(...units));
/** Well-formed text of every plane (astral characters are surrogate pairs). */
const wellFormed = fc.string({ unit: "grapheme", maxLength: 40 });
/** The engine's own answer (ES2024; the project's type library is ES2023). */
const nativeIsWellFormed = (value: string) => (value as unknown as { isWellFormed(): boolean }).isWellFormed();
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));

describe("well-formed text", () => {
  it("agrees with String.prototype.isWellFormed on any sequence of code units (the browser fallback included)", () => {
    fc.assert(
      fc.property(codeUnits, (value) => {
        expect(isWellFormedText(value)).toBe(nativeIsWellFormed(value));
        expect(hasLoneSurrogate(value)).toBe(!nativeIsWellFormed(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it("accepts every well-formed string, and refuses it with one lone surrogate put anywhere in it", () => {
    fc.assert(
      fc.property(wellFormed, loneSurrogate, fc.nat(), (value, surrogate, at) => {
        expect(text().safeParse(value).success).toBe(true);
        // Between two code units of a pair the surrogate would itself be unpaired, or break the pair: still ill-formed.
        const index = at % (value.length + 1);
        const broken = value.slice(0, index) + surrogate + value.slice(index);
        const result = text().safeParse(broken);
        expect(result.success).toBe(false);
        expect(result.error?.issues[0]?.message).toBe(NOT_WELL_FORMED);
      }),
      { numRuns: 1_000 },
    );
  });

  it("is what tells the issue's two passwords apart: both refused, neither becomes U+FFFD", () => {
    for (const password of ["pass-\ud800-word-xyz", "pass-\udfff-word-xyz"]) {
      expect(text().safeParse(password).success).toBe(false);
    }
    expect(text().safeParse("pass-\ufffd-word-xyz").success).toBe(true);
    expect(text().safeParse("emoji \ud83d\ude00 pair").success).toBe(true);
  });

  it("runs before the checks chained after it, so a transform never sees ill-formed text", () => {
    let transformed = 0;
    const schema = text()
      .max(10)
      .transform((value) => {
        transformed++;
        return value.trim();
      });
    expect(schema.safeParse(" ok ").data).toBe("ok");
    const result = schema.safeParse("\udc00".repeat(20));
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([NOT_WELL_FORMED]);
    expect(transformed).toBe(1);
  });
});
