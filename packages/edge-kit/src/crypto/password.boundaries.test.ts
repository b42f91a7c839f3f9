// PBKDF2 iteration counts at their limits: 1 and MAX_PBKDF2_ITERATIONS hash and verify; 0 and MAX + 1 do neither.
import { describe, expect, it } from "vitest";
import { hashPassword, MAX_PBKDF2_ITERATIONS, verifyPassword } from "./password";

describe("password iteration limits", () => {
  it.each([1, MAX_PBKDF2_ITERATIONS])("%i iterations hash, and verify the right password only", async (iterations) => {
    const stored = await hashPassword("pw at the limit", iterations);
    expect(stored.iterations).toBe(iterations);
    expect(await verifyPassword("pw at the limit", stored)).toBe(true);
    expect(await verifyPassword("pw at the limiT", stored)).toBe(false);
  });

  it.each([0, MAX_PBKDF2_ITERATIONS + 1, 1.5])("%d iterations neither hash nor verify", async (iterations) => {
    await expect(hashPassword("pw", iterations)).rejects.toThrow(RangeError);
    const stored = { ...(await hashPassword("pw", 1)), iterations };
    expect(await verifyPassword("pw", stored)).toBe(false);
  });
});
