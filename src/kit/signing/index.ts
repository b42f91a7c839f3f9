export { createTokenSigner, type TokenClaims, type TokenSigner, type VerifyResult } from "./signed-token";
