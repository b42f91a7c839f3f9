// The chi-square helper the rollout statistics rely on, checked against published table values.
import { describe, expect, it } from "vitest";
import { chiSquarePValue, chiSquareUniform } from "./chi-square";

describe("chiSquarePValue", () => {
  it.each([
    // Critical values from NIST/SEMATECH e-Handbook, table 1.3.6.7.4 (upper tail).
    { statistic: 2.706, df: 1, p: 0.1 },
    { statistic: 3.841, df: 1, p: 0.05 },
    { statistic: 18.307, df: 10, p: 0.05 },
    { statistic: 123.225, df: 99, p: 0.05 },
    { statistic: 148.23, df: 99, p: 0.001 },
    { statistic: 135.807, df: 100, p: 0.01 },
  ])("gives p = $p for χ² = $statistic with $df degrees of freedom", ({ statistic, df, p }) => {
    expect(chiSquarePValue(statistic, df)).toBeCloseTo(p, 3);
  });

  it("is 1 at a statistic of 0 and falls as the statistic grows", () => {
    expect(chiSquarePValue(0, 99)).toBe(1);
    expect(chiSquarePValue(99, 99)).toBeGreaterThan(chiSquarePValue(120, 99));
    expect(chiSquarePValue(400, 99)).toBeLessThan(1e-30);
  });
});

describe("chiSquareUniform", () => {
  it("is 0 for equal counts and grows with unevenness", () => {
    expect(chiSquareUniform([5, 5, 5, 5])).toBe(0);
    expect(chiSquareUniform([6, 4, 5, 5])).toBeCloseTo(0.4, 10);
    expect(chiSquareUniform([20, 0, 0, 0])).toBeCloseTo(60, 10);
  });
});
