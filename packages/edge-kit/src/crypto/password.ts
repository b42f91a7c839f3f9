// Password hashing with PBKDF2-SHA256 through WebCrypto, parameters stored beside the hash.

import { timingSafeEqual } from "./digest";
import { fromBase64Url, toBase64Url } from "./encoding";

/**
 * Cloudflare's production runtime refuses PBKDF2 above 100 000 iterations (workerd's
 * DEFAULT_MAX_PBKDF2_ITERATIONS; local workerd does not enforce it, so a test guards this constant).
 */
export const MAX_PBKDF2_ITERATIONS = 100_000;
export const PASSWORD_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

export interface PasswordHash {
  algorithm: "pbkdf2-sha256";
  iterations: number;
  /** base64url */
  salt: string;
  /** base64url */
  hash: string;
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password.normalize("NFC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

/**
 * @example
 * const stored = await hashPassword("correct horse battery staple");
 * await verifyPassword("correct horse battery staple", stored); // true
 */
export async function hashPassword(password: string, iterations = PASSWORD_ITERATIONS): Promise<PasswordHash> {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    throw new RangeError(`PBKDF2 iterations must be 1…${MAX_PBKDF2_ITERATIONS}`);
  }
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return {
    algorithm: "pbkdf2-sha256",
    iterations,
    salt: toBase64Url(salt),
    hash: toBase64Url(await derive(password, salt, iterations)),
  };
}

/** Constant-time check of `password` against a stored hash; a malformed stored hash never verifies. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const salt = fromBase64Url(stored.salt);
  const expected = fromBase64Url(stored.hash);
  if (
    stored.algorithm !== "pbkdf2-sha256" ||
    !salt ||
    !expected ||
    !Number.isInteger(stored.iterations) ||
    stored.iterations < 1 ||
    stored.iterations > MAX_PBKDF2_ITERATIONS
  ) {
    return false;
  }
  return timingSafeEqual(await derive(password, salt, stored.iterations), expected);
}

/** Whether a stored hash should be recomputed with today's parameters at the next successful login. */
export function needsRehash(stored: PasswordHash, iterations = PASSWORD_ITERATIONS): boolean {
  return stored.algorithm !== "pbkdf2-sha256" || stored.iterations !== iterations;
}
