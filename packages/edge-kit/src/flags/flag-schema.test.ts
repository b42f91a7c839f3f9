// Flag schemas: what an admin may send, what a stored flag must look like, and the 8 KiB size cap.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FlagInputSchema, FlagNameSchema, FlagSchema, isWithinFlagSizeLimit, MAX_FLAG_BYTES } from ".";
import { storedFlag } from "./test-support/flag-fixture";

const stored = storedFlag({ rolloutPercentage: 30 });

describe("FlagInputSchema", () => {
  it("accepts the two required fields and fills in the rest", () => {
    expect(FlagInputSchema.parse({ enabled: true, rolloutPercentage: 30 })).toEqual({
      description: "",
      enabled: true,
      rolloutPercentage: 30,
      allowList: [],
      killSwitch: false,
    });
  });

  it.each([101, -1, 12.5, "50", Number.NaN, Number.POSITIVE_INFINITY, null, 1e300, -0.000001])(
    "rejects a rollout percentage of %s",
    (rolloutPercentage) => {
      expect(FlagInputSchema.safeParse({ enabled: true, rolloutPercentage }).success).toBe(false);
    },
  );

  it("accepts exactly the whole percentages 0…100 (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1_000, max: 1_000 }), fc.double()), (rolloutPercentage) => {
        const valid = Number.isInteger(rolloutPercentage) && rolloutPercentage >= 0 && rolloutPercentage <= 100;
        expect(FlagInputSchema.safeParse({ enabled: true, rolloutPercentage }).success).toBe(valid);
      }),
      { seed: 20_261_122, numRuns: 2_000 },
    );
  });

  it.each([
    ["an unknown key", { extra: 1 }],
    ["a salt", { salt: "00112233445566778899aabbccddeeff" }],
    ["updatedAt", { updatedAt: "2026-11-22T00:00:00.000Z" }],
    ["updatedBy", { updatedBy: "someone" }],
    ["a name", { name: "other" }],
  ])("rejects %s, which only the server sets or which does not exist", (_, extra) => {
    expect(FlagInputSchema.safeParse({ enabled: true, rolloutPercentage: 5, ...extra }).success).toBe(false);
  });

  it("rejects a __proto__ or constructor key from parsed JSON instead of dropping it", () => {
    for (const text of [
      '{"enabled":true,"rolloutPercentage":5,"__proto__":{"killSwitch":true}}',
      '{"enabled":true,"rolloutPercentage":5,"constructor":{"prototype":{"on":true}}}',
    ]) {
      const result = FlagInputSchema.safeParse(JSON.parse(text));
      expect(result.success, text).toBe(false);
    }
  });

  it("caps the description at 500 characters", () => {
    const at = (length: number) =>
      FlagInputSchema.safeParse({ enabled: true, rolloutPercentage: 5, description: "d".repeat(length) }).success;
    expect(at(500)).toBe(true);
    expect(at(501)).toBe(false);
  });

  it("takes up to 1 000 unique allow-list ids of 1–64 characters", () => {
    const withList = (allowList: unknown) =>
      FlagInputSchema.safeParse({ enabled: true, rolloutPercentage: 0, allowList }).success;
    expect(withList(Array.from({ length: 1_000 }, (_, i) => `u${i}`))).toBe(true);
    expect(withList(Array.from({ length: 1_001 }, (_, i) => `u${i}`))).toBe(false);
    expect(withList(["a".repeat(64)])).toBe(true);
    expect(withList(["a".repeat(65)])).toBe(false);
    expect(withList([""])).toBe(false);
    expect(withList(["a", "b", "a"])).toBe(false);
    expect(withList([42])).toBe(false);
  });

  it("rejects anything that is not an object", () => {
    for (const input of [null, undefined, "x", 5, [], [{ enabled: true, rolloutPercentage: 5 }]]) {
      expect(FlagInputSchema.safeParse(input).success, JSON.stringify(input)).toBe(false);
    }
  });
});

describe("FlagNameSchema", () => {
  it.each(["a", "0", "new-editor", "checkout.v2_beta", "x".repeat(64)])("accepts %s", (name) => {
    expect(FlagNameSchema.safeParse(name).success).toBe(true);
  });

  it.each(["", "with space", "Upper", "-leading", ".leading", "_leading", "__proto__", "x".repeat(65), "ünï", "a/b"])(
    "rejects %j",
    (name) => {
      expect(FlagNameSchema.safeParse(name).success).toBe(false);
    },
  );
});

describe("FlagSchema", () => {
  it("accepts a complete stored flag", () => {
    expect(FlagSchema.parse(stored)).toEqual(stored);
  });

  it.each([
    ["an unknown key", { ...stored, extra: true }],
    ["no salt", { ...stored, salt: undefined }],
    ["a salt that is not 16–64 hex digits", { ...stored, salt: "not-hex-at-all!!" }],
    ["a short salt", { ...stored, salt: "abc" }],
    ["an updatedAt that is not an ISO time", { ...stored, updatedAt: "yesterday" }],
    ["an empty updatedBy", { ...stored, updatedBy: "" }],
    ["a percentage out of range", { ...stored, rolloutPercentage: 500 }],
  ])("rejects a stored flag with %s", (_, value) => {
    expect(FlagSchema.safeParse(value).success).toBe(false);
  });
});

describe("isWithinFlagSizeLimit", () => {
  it("counts UTF-8 bytes of the JSON, up to and including 8 KiB", () => {
    // JSON.stringify adds two quotes to a string.
    expect(isWithinFlagSizeLimit("x".repeat(MAX_FLAG_BYTES - 2))).toBe(true);
    expect(isWithinFlagSizeLimit("x".repeat(MAX_FLAG_BYTES - 1))).toBe(false);
    expect(isWithinFlagSizeLimit("é".repeat(MAX_FLAG_BYTES / 2 - 1))).toBe(true);
    expect(isWithinFlagSizeLimit("é".repeat(MAX_FLAG_BYTES / 2))).toBe(false);
  });

  it("refuses values JSON cannot represent", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(isWithinFlagSizeLimit(cyclic)).toBe(false);
    expect(isWithinFlagSizeLimit(10n)).toBe(false);
    expect(isWithinFlagSizeLimit(undefined)).toBe(false);
  });
});
