// SHA-256 and constant-time comparison over WebCrypto.
import { toHex } from "./encoding";

const encoder = new TextEncoder();

/** SHA-256 of a UTF-8 string, lowercase hex. Used to key secrets (session tokens) without storing them. */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

/** Compares two byte arrays in time that does not depend on where they differ. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  // workerd provides crypto.subtle.timingSafeEqual (a non-standard extension).
  return (
    crypto.subtle as SubtleCrypto & { timingSafeEqual(a: ArrayBufferView, b: ArrayBufferView): boolean }
  ).timingSafeEqual(a, b);
}
