// Tests for createTokenSigner: round trips, expiry, tampering, foreign secrets, forgery attempts, bad input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toBase64Url } from "../crypto";
import { createTokenSigner, MAX_TOKEN_LENGTH, type TokenClaims } from ".";

const SECRET = "a-test-secret-that-is-long-enough-0123456789";
const NOW_MS = 1_800_000_000_000;
const NOW = NOW_MS / 1000;
const signer = createTokenSigner(SECRET, { now: () => NOW_MS });
const claims: TokenClaims = { l: "link-1", f: "file-1", m: "GET", exp: NOW + 600 };
const utf8 = (value: string) => new TextEncoder().encode(value);

/** Signs arbitrary payload text with SECRET, the way only the secret's holder could. */
async function signRaw(body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", utf8(SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const payload = toBase64Url(utf8(body));
  return `${payload}.${toBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(payload))))}`;
}

describe("createTokenSigner", () => {
  it("round-trips claims through base64url(JSON).base64url(HMAC-SHA256)", async () => {
    const token = await signer.sign(claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const [payload = ""] = token.split(".");
    expect(JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")))).toEqual(claims);
    expect(token).toBe(await signRaw(JSON.stringify(claims)));
    expect(await signer.verify(token)).toEqual({ ok: true, claims });
  });

  it("round-trips any flat claims of strings and numbers", async () => {
    const values = fc.oneof(
      fc.string({ unit: "binary", maxLength: 20 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
    );
    const arbitrary = fc.tuple(
      fc.dictionary(fc.string({ maxLength: 8 }), values, { maxKeys: 6 }),
      fc.integer({ min: NOW + 1, max: NOW + 1e9 }),
    );
    const samples = fc.sample(arbitrary, { seed: 7, numRuns: 100 });
    for (const [extra, exp] of samples) {
      const original = { ...extra, exp };
      const verdict = await signer.verify(await signer.sign(original));
      expect(verdict).toEqual({ ok: true, claims: JSON.parse(JSON.stringify(original)) });
    }
  });

  it("expires at exp exactly, not a second before", async () => {
    const token = await signer.sign({ ...claims, exp: NOW + 1 });
    const at = (ms: number) => createTokenSigner(SECRET, { now: () => ms });
    expect(await at(NOW_MS).verify(token)).toMatchObject({ ok: true });
    expect(await at(NOW_MS + 999).verify(token)).toMatchObject({ ok: true });
    expect(await at(NOW_MS + 1_000).verify(token)).toEqual({ ok: false, reason: "expired" });
    expect(await at(NOW_MS + 86_400_000).verify(token)).toEqual({ ok: false, reason: "expired" });
    expect(await signer.verify(await signer.sign({ ...claims, exp: NOW }))).toEqual({ ok: false, reason: "expired" });
  });

  it("checks the signature before the expiry: an expired forgery is a bad signature", async () => {
    const [payload = ""] = (await signer.sign({ ...claims, exp: NOW - 10 })).split(".");
    expect(await signer.verify(`${payload}.${"A".repeat(43)}`)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses every single-character change to the payload or the signature", async () => {
    const token = await signer.sign(claims);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let tried = 0;
    let accepted = 0;
    for (let i = 0; i < token.length; i++) {
      if (token[i] === ".") continue;
      for (const replacement of [alphabet[(alphabet.indexOf(token[i] ?? "A") + 1) % 64], "A", "z", "_"]) {
        if (replacement === undefined || replacement === token[i]) continue;
        tried++;
        if ((await signer.verify(token.slice(0, i) + replacement + token.slice(i + 1))).ok) accepted++;
      }
    }
    expect(tried).toBeGreaterThan(token.length * 2);
    expect(accepted).toBe(0);
  });

  it("refuses tokens from another secret, and a payload moved onto another token's signature", async () => {
    const other = createTokenSigner(`${SECRET}-other`, { now: () => NOW_MS });
    expect(await signer.verify(await other.sign(claims))).toEqual({ ok: false, reason: "bad-signature" });
    expect(await other.verify(await signer.sign(claims))).toEqual({ ok: false, reason: "bad-signature" });
    const a = await signer.sign(claims);
    const b = await signer.sign({ ...claims, f: "another-file" });
    const [payloadB] = b.split(".");
    const [, signatureA] = a.split(".");
    expect(await signer.verify(`${payloadB}.${signatureA}`)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("accepts 0 of 1 000 random signature strings on a fixed payload", async () => {
    const [payload] = (await signer.sign(claims)).split(".");
    const signatures = fc.sample(
      fc.oneof(
        fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toBase64Url),
        fc.string({
          unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
          minLength: 43,
          maxLength: 43,
        }),
      ),
      { seed: 42, numRuns: 1_000 },
    );
    const reasons = new Map<string, number>();
    for (const signature of signatures) {
      const verdict = await signer.verify(`${payload}.${signature}`);
      const key = verdict.ok ? "accepted" : verdict.reason;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    expect(signatures).toHaveLength(1_000);
    expect(reasons.get("accepted") ?? 0).toBe(0);
    expect(reasons.get("bad-signature")).toBeGreaterThan(500);
  });

  it.each([
    ["empty", ""],
    ["a lone dot", "."],
    ["three parts", "a.b.c"],
    ["no dot", "eyJleHAiOjF9"],
    ["an empty payload", ".AAAA"],
    ["an empty signature", "eyJleHAiOjF9."],
    ["a huge string", "x".repeat(3_000)],
    ["a huge token", `${"e".repeat(MAX_TOKEN_LENGTH)}.${"A".repeat(43)}`],
    ["non-base64url characters", "!!!.???"],
    ["standard base64 characters", `eyJ+/Q==.${"A".repeat(43)}`],
    ["padding", `eyJleHAiOjF9.${"A".repeat(42)}A=`],
    ["a short signature", "e30.AAAA"],
    ["a long signature", `e30.${"A".repeat(64)}`],
    ["a signature with padding bits set", `e30.${"A".repeat(42)}B`],
    ["whitespace", ` e30.${"A".repeat(43)}`],
  ])("calls %s malformed", async (_, token) => {
    expect(await signer.verify(token)).toEqual({ ok: false, reason: "malformed" });
  });

  it("calls correctly signed but unacceptable claims malformed, not trusted", async () => {
    for (const body of [
      "",
      "not json",
      "[1]",
      "null",
      "42",
      '"exp"',
      "{}",
      '{"exp":"soon"}',
      '{"exp":1.5}',
      '{"exp":1e400}',
      '{"exp":9999999999,"nested":{"a":1}}',
      '{"exp":9999999999,"list":[1]}',
      '{"exp":9999999999,"flag":true}',
      '{"exp":9999999999,"nothing":null}',
    ]) {
      expect(await signer.verify(await signRaw(body)), body).toEqual({ ok: false, reason: "malformed" });
    }
    expect(await signer.verify(await signRaw('{"exp":9999999999,"a":"b","n":-1.5}'))).toEqual({
      ok: true,
      claims: { exp: 9999999999, a: "b", n: -1.5 },
    });
  });

  it("never throws while verifying arbitrary strings", async () => {
    const tokens = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.string({ unit: "binary", maxLength: 80 }).map((s) => `${s}.${s}`),
      ),
      {
        seed: 99,
        numRuns: 500,
      },
    );
    for (const token of tokens) expect((await signer.verify(token)).ok).toBe(false);
  });

  it("refuses to sign claims it would itself call malformed, or a token over the length limit", async () => {
    const invalid = [
      { exp: 1.5 },
      { exp: Number.NaN },
      { ...claims, x: Number.POSITIVE_INFINITY },
      { ...claims, nested: { a: 1 } },
      { l: "no exp" },
    ] as unknown as TokenClaims[];
    for (const bad of invalid) await expect(signer.sign(bad)).rejects.toThrow(TypeError);
    await expect(signer.sign({ ...claims, big: "x".repeat(MAX_TOKEN_LENGTH) })).rejects.toThrow(RangeError);
  });

  it("refuses secrets under 32 characters: that is a configuration bug", () => {
    expect(() => createTokenSigner("short")).toThrow(/at least 32/);
    expect(() => createTokenSigner("x".repeat(31))).toThrow(/at least 32/);
    expect(() => createTokenSigner("x".repeat(32))).not.toThrow();
  });
});
