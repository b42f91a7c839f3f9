import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "./digest";
import { fromBase64Url, toBase64Url } from "./encoding";
import { hashPassword, MAX_PBKDF2_ITERATIONS, needsRehash, PASSWORD_ITERATIONS, verifyPassword } from "./password";
import { randomId, randomToken } from "./random";

describe("PBKDF2 parameters", () => {
  it("stay within the production runtime's cap of 100 000 iterations (local workerd does not enforce it)", async () => {
    expect(MAX_PBKDF2_ITERATIONS).toBe(100_000);
    expect(PASSWORD_ITERATIONS).toBeLessThanOrEqual(MAX_PBKDF2_ITERATIONS);
    expect((await hashPassword("x")).iterations).toBeLessThanOrEqual(100_000);
  });

  it("refuse to hash above the cap", async () => {
    await expect(hashPassword("x", 100_001)).rejects.toThrow(RangeError);
  });
});

describe("hashPassword / verifyPassword", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatchObject({ algorithm: "pbkdf2-sha256", iterations: PASSWORD_ITERATIONS });
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", stored)).toBe(false);
  });

  it("salts per hash: the same password hashes differently", async () => {
    const [a, b] = await Promise.all([hashPassword("same", 1_000), hashPassword("same", 1_000)]);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
  });

  it("never verifies against a malformed or over-cap stored hash", async () => {
    const good = await hashPassword("pw", 1_000);
    for (const bad of [
      { ...good, salt: "not base64!" },
      { ...good, hash: "" },
      { ...good, iterations: 0 },
      { ...good, iterations: 1_000_000 },
      { ...good, algorithm: "md5" as "pbkdf2-sha256" },
    ]) {
      expect(await verifyPassword("pw", bad)).toBe(false);
    }
  });

  it("flags hashes made with other parameters for rehash", async () => {
    expect(needsRehash(await hashPassword("pw", 1_000))).toBe(true);
    expect(needsRehash({ algorithm: "pbkdf2-sha256", iterations: PASSWORD_ITERATIONS, salt: "", hash: "" })).toBe(
      false,
    );
  });
});

describe("tokens and ids", () => {
  it("randomToken has 256 bits as 43 base64url characters, and repeats never", () => {
    const tokens = new Set(Array.from({ length: 1_000 }, () => randomToken()));
    expect(tokens.size).toBe(1_000);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fromBase64Url(randomToken())?.byteLength).toBe(32);
  });

  it("randomId is 32 hex characters", () => {
    expect(randomId()).toMatch(/^[0-9a-f]{32}$/);
  });

  it("base64url round-trips any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
      }),
      { seed: 11, numRuns: 300 },
    );
    expect(fromBase64Url("a+b/")).toBeNull();
  });

  it("sha256Hex matches the known vector", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
