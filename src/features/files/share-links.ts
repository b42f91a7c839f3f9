// Share links: a URL signed with HMAC over (link, file, method, expiry), checked against D1 for revocation.
import { randomId } from "@outpost/edge-kit/crypto";
import { createTokenSigner } from "@outpost/edge-kit/signing";
import { fileErrors } from "./file-errors";
import { type FileRecord, FileRepository } from "./file-repository";
import { getFilesConfig, shareLinkSecret } from "./files.config";
import type { ShareLinkView } from "./files.schema";

const signers = new Map<string, ReturnType<typeof createTokenSigner>>();

function signerFor(env: object) {
  const secret = shareLinkSecret(env);
  let signer = signers.get(secret);
  if (!signer) {
    signer = createTokenSigner(secret);
    signers.set(secret, signer);
  }
  return signer;
}

export async function createShareLink(
  env: Pick<Env, "DB"> & object,
  record: FileRecord,
  expiresInSeconds: number,
  origin: string,
  now = new Date(),
): Promise<ShareLinkView> {
  const max = getFilesConfig(env).SHARE_LINK_MAX_SECONDS;
  if (expiresInSeconds > max) {
    throw fileErrors.badPart(`A link may last at most ${max} seconds`);
  }
  const id = randomId();
  const exp = Math.floor(now.getTime() / 1000) + expiresInSeconds;
  const token = await signerFor(env).sign({ l: id, f: record.id, m: "GET", exp });
  const expiresAt = new Date(exp * 1000).toISOString();
  await new FileRepository(env.DB).insertLink({
    id,
    fileId: record.id,
    ownerId: record.ownerId,
    expiresAt,
    now: now.toISOString(),
  });
  return {
    id,
    fileId: record.id,
    url: `${origin}/api/share/${token}`,
    expiresAt,
    revoked: false,
    createdAt: now.toISOString(),
  };
}

/**
 * The file a share token opens, or 403: a bad signature, another method, expiry, revocation, or a file
 * that is gone all look the same to the holder, who learns only that this link no longer works.
 */
export async function resolveShareToken(
  env: Pick<Env, "DB"> & object,
  token: string,
  method: string,
): Promise<FileRecord> {
  const verdict = await signerFor(env).verify(token);
  if (!verdict.ok) {
    throw fileErrors.linkRefused(verdict.reason === "expired" ? "This link has expired" : "This link is not valid");
  }
  const { l: linkId, f: fileId, m } = verdict.claims;
  if (
    typeof linkId !== "string" ||
    typeof fileId !== "string" ||
    m !== "GET" ||
    (method !== "GET" && method !== "HEAD")
  ) {
    throw fileErrors.linkRefused("This link is not valid");
  }
  const repository = new FileRepository(env.DB);
  const link = await repository.findLink(linkId);
  if (!link || link.file_id !== fileId) throw fileErrors.linkRefused("This link is not valid");
  if (link.revoked_at !== null) throw fileErrors.linkRefused("This link was revoked");
  if (Date.parse(link.expires_at) <= Date.now()) throw fileErrors.linkRefused("This link has expired");
  const record = await repository.find(fileId);
  if (!record || record.status === "deleting") throw fileErrors.linkRefused("The file is no longer shared");
  return record;
}
