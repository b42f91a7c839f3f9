// Random identifiers and secrets from the platform CSPRNG.
import { toBase64Url, toHex } from "./encoding";

/**
 * A secret token of `bytes` random bytes (default 32 = 256 bits), base64url-encoded (43 characters).
 *
 * @example
 * const token = randomToken(); // "kq3…" — hand to the client, store only sha256Hex(token)
 */
export function randomToken(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A non-sequential public id of `bytes` random bytes (default 16 = 128 bits), hex-encoded. */
export function randomId(bytes = 16): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)));
}
