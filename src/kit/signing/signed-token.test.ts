import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toBase64Url } from "../crypto";
import { createTokenSigner } from ".";

const SECRET = "a-test-secret-that-is-long-enough-0123456789";
const NOW = 1_800_000_000_000;
const signer = createTokenSigner(SECRET, { now: () => NOW });
const claims = { l: "link", f: "file", m: "GET", exp: NOW / 1000 + 600 };

describe("createTokenSigner", () => {
  it("round-trips claims", async () => {
    const token = await signer.sign(claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(await signer.verify(token)).toEqual({ ok: true, claims });
  });

  it("expires at exp exactly, not a second before", async () => {
    const token = await signer.sign({ ...claims, exp: NOW / 1000 + 1 });
    expect((await signer.verify(token)).ok).toBe(true);
    const later = createTokenSigner(SECRET, { now: () => NOW + 1_000 });
    expect(await later.verify(token)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses any single-character change to the payload or the signature", async () => {
    const token = await signer.sign(claims);
    let accepted = 0;
    for (let i = 0; i < token.length; i++) {
      if (token[i] === ".") continue;
      const replacement = token[i] === "A" ? "B" : "A";
      const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
      if ((await signer.verify(tampered)).ok) accepted++;
    }
    // The last base64url character of a 32-byte signature carries 2 padding bits; changing them alone can
    // decode to the same bytes, which is not a forgery. Every other change must be refused.
    expect(accepted).toBeLessThanOrEqual(1);
  });

  it("refuses tokens from another secret, and a payload moved onto another token's signature", async () => {
    const other = createTokenSigner(`${SECRET}-other`, { now: () => NOW });
    expect(await signer.verify(await other.sign(claims))).toEqual({ ok: false, reason: "bad-signature" });
    const a = await signer.sign(claims);
    const b = await signer.sign({ ...claims, f: "another-file" });
    const [payloadB] = b.split(".");
    const [, signatureA] = a.split(".");
    expect(await signer.verify(`${payloadB}.${signatureA}`)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("accepts 0 of 1 000 random signatures on a fixed payload", async () => {
    const [payload] = (await signer.sign(claims)).split(".");
    const signatures = fc.sample(fc.uint8Array({ minLength: 32, maxLength: 32 }), { seed: 42, numRuns: 1_000 });
    let accepted = 0;
    for (const signature of signatures) {
      if ((await signer.verify(`${payload}.${toBase64Url(signature)}`)).ok) accepted++;
    }
    expect(accepted).toBe(0);
  });

  it("calls malformed input malformed, and never throws", async () => {
    for (const token of [
      "",
      ".",
      "a.b.c",
      "x".repeat(3_000),
      "!!!.???",
      "e30.AAAA",
      `${toBase64Url(new TextEncoder().encode("[]"))}.x`,
    ]) {
      expect(await signer.verify(token)).toMatchObject({ ok: false, reason: "malformed" });
    }
    // A correctly signed payload whose claims are not acceptable is malformed, not trusted.
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(SECRET),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    for (const body of ['{"exp":"soon"}', '{"exp":1.5}', '{"exp":9999999999,"nested":{"a":1}}', "[1]"]) {
      const payload = toBase64Url(new TextEncoder().encode(body));
      const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(payload)));
      expect(await signer.verify(`${payload}.${toBase64Url(signature)}`)).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("refuses short secrets: that is a configuration bug", () => {
    expect(() => createTokenSigner("short")).toThrow(/at least 32/);
  });
});
