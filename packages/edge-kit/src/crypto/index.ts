export { sha256Hex, timingSafeEqual } from "./digest";
export { fromBase64Url, toBase64Url, toHex } from "./encoding";
export {
  hashPassword,
  MAX_PBKDF2_ITERATIONS,
  needsRehash,
  PASSWORD_ITERATIONS,
  type PasswordHash,
  verifyPassword,
} from "./password";
export { randomId, randomToken } from "./random";
