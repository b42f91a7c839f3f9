// Tests for parseByteRange: single ranges, suffixes, unsatisfiable ranges and what is ignored (RFC 9110).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseByteRange } from ".";

type Result = ReturnType<typeof parseByteRange>;

/** The reference model of RFC 9110 §14.1.2 for one range-spec, over small integers. */
function model(first: number | null, last: number | null, size: number): Result {
  if (first === null) {
    if (last === null) return null;
    if (last === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - last), end: size - 1 };
  }
  if (last !== null && last < first) return null;
  if (first >= size) return "unsatisfiable";
  return { start: first, end: Math.min(last ?? size - 1, size - 1) };
}

describe("parseByteRange", () => {
  it.each([
    ["bytes=0-499", { start: 0, end: 499 }],
    ["bytes=500-999", { start: 500, end: 999 }],
    ["bytes=500-", { start: 500, end: 999 }],
    ["bytes=-500", { start: 500, end: 999 }],
    ["bytes=-1", { start: 999, end: 999 }],
    ["bytes=-5000", { start: 0, end: 999 }],
    ["bytes=900-5000", { start: 900, end: 999 }],
    ["bytes=999-999", { start: 999, end: 999 }],
    ["bytes=0-0", { start: 0, end: 0 }],
    ["Bytes=0-1", { start: 0, end: 1 }],
    ["  bytes=10-20  ", { start: 10, end: 20 }],
    ["bytes=0-1, ", { start: 0, end: 1 }],
    ["bytes=, 2-3", { start: 2, end: 3 }],
    ["bytes=0-99999999999999999999999", { start: 0, end: 999 }],
    ["bytes=-99999999999999999999999", { start: 0, end: 999 }],
    ["bytes=000010-000020", { start: 10, end: 20 }],
  ])("%j of 1000 bytes → %j", (header, expected) => {
    expect(parseByteRange(header, 1000)).toEqual(expected);
  });

  it.each([
    ["bytes=1000-", 1000],
    ["bytes=1000-2000", 1000],
    ["bytes=99999999999999999999-", 1000],
    ["bytes=-0", 1000],
    ["bytes=0-0", 0],
    ["bytes=0-", 0],
    ["bytes=-5", 0],
  ])("%j of %i bytes is unsatisfiable", (header, size) => {
    expect(parseByteRange(header, size)).toBe("unsatisfiable");
  });

  it.each([
    null,
    undefined,
    "",
    "bytes=",
    "bytes=-",
    "bytes=5-1",
    "bytes=9007199254740993-9007199254740992",
    "items=0-1",
    "bytes 0-1",
    "bytes = 0-1",
    "bytes=0-1,5-6",
    "bytes=0-1, 0-1",
    "bytes=abc",
    "bytes=1-2-3",
    "bytes=+1-2",
    "bytes=0x10-",
    "bytes=1.5-2",
    "bytes=٣-٤",
    "bytes=- 5",
  ])("ignores %j", (header) => {
    expect(parseByteRange(header, 1000)).toBeNull();
  });

  it("cannot range over a size that is not a byte count", () => {
    for (const size of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(parseByteRange("bytes=0-1", size)).toBeNull();
  });

  it("agrees with the reference model, and a satisfiable range lies inside the representation", () => {
    fc.assert(
      fc.property(fc.nat(2_000), fc.option(fc.nat(2_500)), fc.option(fc.nat(2_500)), (size, first, last) => {
        const actual = parseByteRange(`bytes=${first ?? ""}-${last ?? ""}`, size);
        expect(actual).toEqual(model(first, last, size));
        if (actual !== null && actual !== "unsatisfiable") {
          expect(0 <= actual.start && actual.start <= actual.end && actual.end < size).toBe(true);
        }
      }),
      { seed: 9, numRuns: 2_000 },
    );
  });

  it("never throws on arbitrary headers", () => {
    const rangeish = fc.array(fc.constantFrom("bytes", "=", "-", ",", " ", "0", "7", "99999999999999999999", "x"), {
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          rangeish.map((parts) => parts.join("")),
        ),
        fc.nat(5_000),
        (header, size) => {
          const result = parseByteRange(header, size);
          expect(result === null || result === "unsatisfiable" || result.end < size).toBe(true);
        },
      ),
      { seed: 31, numRuns: 2_000 },
    );
  });
});
