// HMAC-signed, expiring tokens, e.g. for share links (R2 bindings cannot presign URLs themselves).
/**
 * @example
 * const signer = createTokenSigner(env.SHARE_LINK_SECRET);
 * const token = await signer.sign({ l: linkId, f: fileId, m: "GET", exp: Math.floor(Date.now() / 1000) + 3600 });
 * const verdict = await signer.verify(token); // { ok: true, claims } or { ok: false, reason }
 */
export {
  createTokenSigner,
  MAX_TOKEN_LENGTH,
  MIN_SECRET_LENGTH,
  type TokenClaims,
  type TokenSigner,
  type TokenSignerOptions,
  type VerifyResult,
} from "./signed-token";
