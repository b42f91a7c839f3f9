import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, defineConfig, wholeNumber } from ".";

const read = defineConfig(
  z.object({
    BUDGET: wholeNumber(0, 100_000).default(5_000),
    MAX_BYTES: wholeNumber(1, 1_024, "bytes"),
  }),
);

describe("defineConfig", () => {
  it("parses vars into typed values and applies defaults", () => {
    expect(read({ MAX_BYTES: "512" })).toEqual({ BUDGET: 5_000, MAX_BYTES: 512 });
    expect(read({ MAX_BYTES: "1", BUDGET: "0" })).toEqual({ BUDGET: 0, MAX_BYTES: 1 });
  });

  it("fails fast, naming every bad variable and why", () => {
    const attempt = () => read({ BUDGET: "2e4", MAX_BYTES: "4096" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/BUDGET: must be a whole number; MAX_BYTES: Too big/);
    expect(() => read({ MAX_BYTES: "0x10" })).toThrow("MAX_BYTES: must be a whole number of bytes");
    expect(() => read({})).toThrow(/MAX_BYTES/);
  });

  it("parses each environment object once", () => {
    let parses = 0;
    const counted = defineConfig(
      z.object({ N: z.string() }).transform((value) => {
        parses++;
        return value;
      }),
    );
    const env = { N: "1" };
    expect(counted(env)).toBe(counted(env));
    expect(parses).toBe(1);
    counted({ N: "2" });
    expect(parses).toBe(2);
  });
});
