// HMAC-SHA256 signed, expiring tokens: `base64url(claims JSON).base64url(signature)`, verified in constant time.
import { fromBase64Url, toBase64Url } from "../crypto";

/** Flat claims of strings and finite numbers; `exp` is the expiry in Unix seconds (an integer). */
export type TokenClaims = Record<string, string | number> & { exp: number };

export type VerifyResult =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: "malformed" | "bad-signature" | "expired" };

export interface TokenSigner {
  /** Signs claims. Claims that `verify` would call malformed, or a token over 2 048 characters, throw. */
  sign(claims: TokenClaims): Promise<string>;
  /** Checks a token; never throws. The signature is checked before any claim is read. */
  verify(token: string): Promise<VerifyResult>;
}

export interface TokenSignerOptions {
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
}

export const MAX_TOKEN_LENGTH = 2_048;
export const MIN_SECRET_LENGTH = 32;
const SIGNATURE_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const encoder = new TextEncoder();

function refused(reason: "malformed" | "bad-signature" | "expired"): VerifyResult {
  return { ok: false, reason };
}

function isTokenClaims(value: unknown): value is TokenClaims {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  for (const field of Object.values(value)) {
    if (typeof field !== "string" && (typeof field !== "number" || !Number.isFinite(field))) return false;
  }
  return "exp" in value && Number.isSafeInteger(value.exp);
}

function parseClaims(bytes: Uint8Array): TokenClaims | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
    return isTokenClaims(value) ? value : null;
  } catch {
    return null;
  }
}

/** base64url that is the canonical encoding of its bytes (no set padding bits), or null. */
function decodeCanonical(text: string): Uint8Array | null {
  const bytes = fromBase64Url(text);
  return bytes && toBase64Url(bytes) === text ? bytes : null;
}

/**
 * A signer over one secret (at least 32 characters, from configuration: a shorter one throws, as a
 * deployment bug). The HMAC key is imported once. Tokens are `payload.signature`, where payload is the
 * base64url JSON of the claims and signature the base64url HMAC-SHA256 of the payload text. `verify`
 * checks the signature (in constant time, with `crypto.subtle.verify`) before it parses a claim, and a
 * token is expired from its `exp` second on.
 *
 * @example
 * // A share link: which link, which file, which method, until when.
 * const signer = createTokenSigner(env.SHARE_LINK_SECRET);
 * const exp = Math.floor(Date.now() / 1000) + 3600;
 * const token = await signer.sign({ l: linkId, f: fileId, m: "GET", exp });
 * const result = await signer.verify(token); // { ok: true, claims } | { ok: false, reason: "expired" | … }
 */
export function createTokenSigner(secret: string, options: TokenSignerOptions = {}): TokenSigner {
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`a signing secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const now = options.now ?? Date.now;
  const key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);

  return {
    async sign(claims) {
      if (!isTokenClaims(claims)) {
        throw new TypeError("token claims must be flat strings and finite numbers, with an integer exp");
      }
      const payload = toBase64Url(encoder.encode(JSON.stringify(claims)));
      const signature = new Uint8Array(await crypto.subtle.sign("HMAC", await key, encoder.encode(payload)));
      const token = `${payload}.${toBase64Url(signature)}`;
      if (token.length > MAX_TOKEN_LENGTH) {
        throw new RangeError(
          `a token may have at most ${MAX_TOKEN_LENGTH} characters; these claims make ${token.length}`,
        );
      }
      return token;
    },

    async verify(token) {
      if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return refused("malformed");
      const parts = token.split(".");
      if (parts.length !== 2) return refused("malformed");
      const [payload = "", signatureText = ""] = parts;
      if (!BASE64URL.test(payload)) return refused("malformed");
      const signature = decodeCanonical(signatureText);
      if (!signature || signature.byteLength !== SIGNATURE_BYTES) return refused("malformed");
      // Nothing in the payload is read until the signature over its exact text has been checked.
      if (!(await crypto.subtle.verify("HMAC", await key, signature, encoder.encode(payload))))
        return refused("bad-signature");
      const bytes = fromBase64Url(payload);
      const claims = bytes ? parseClaims(bytes) : null;
      if (!claims) return refused("malformed");
      if (claims.exp <= Math.floor(now() / 1000)) return refused("expired");
      return { ok: true, claims };
    },
  };
}
