// HMAC-SHA256 signed, expiring tokens: `base64url(claims JSON).base64url(signature)`, verified in constant time.
import { fromBase64Url, toBase64Url } from "../crypto";

export type TokenClaims = Record<string, string | number> & { exp: number };

export type VerifyResult =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: "malformed" | "bad-signature" | "expired" };

export interface TokenSigner {
  sign(claims: TokenClaims): Promise<string>;
  verify(token: string): Promise<VerifyResult>;
}

const MAX_TOKEN_LENGTH = 2_048;
const MIN_SECRET_LENGTH = 32;
const encoder = new TextEncoder();

function parseClaims(bytes: Uint8Array): TokenClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return null;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  for (const field of Object.values(value)) {
    if (typeof field !== "string" && (typeof field !== "number" || !Number.isFinite(field))) return null;
  }
  const exp = (value as Record<string, unknown>).exp;
  if (typeof exp !== "number" || !Number.isSafeInteger(exp)) return null;
  return value as TokenClaims;
}

/**
 * A signer over one secret (≥ 32 characters, from configuration). The signature is checked before any
 * claim is trusted; `exp` is Unix seconds and a token is expired from that second on.
 *
 * @example
 * const signer = createTokenSigner(env.SHARE_LINK_SECRET);
 * const token = await signer.sign({ l: linkId, f: fileId, m: "GET", exp: Math.floor(Date.now() / 1000) + 3600 });
 * const result = await signer.verify(token); // { ok: true, claims } | { ok: false, reason }
 */
export function createTokenSigner(secret: string, options: { now?: () => number } = {}): TokenSigner {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`a signing secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const now = options.now ?? Date.now;
  const key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
  return {
    async sign(claims) {
      const payload = toBase64Url(encoder.encode(JSON.stringify(claims)));
      const signature = new Uint8Array(await crypto.subtle.sign("HMAC", await key, encoder.encode(payload)));
      return `${payload}.${toBase64Url(signature)}`;
    },
    async verify(token) {
      if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: "malformed" };
      const parts = token.split(".");
      if (parts.length !== 2) return { ok: false, reason: "malformed" };
      const [payload = "", signatureText = ""] = parts;
      const payloadBytes = fromBase64Url(payload);
      const signature = fromBase64Url(signatureText);
      if (!payloadBytes || !signature || payload.length === 0 || signature.byteLength !== 32) {
        return { ok: false, reason: "malformed" };
      }
      const valid = await crypto.subtle.verify("HMAC", await key, signature, encoder.encode(payload));
      if (!valid) return { ok: false, reason: "bad-signature" };
      const claims = parseClaims(payloadBytes);
      if (!claims) return { ok: false, reason: "malformed" };
      if (claims.exp <= Math.floor(now() / 1000)) return { ok: false, reason: "expired" };
      return { ok: true, claims };
    },
  };
}
