// Share links: a URL signed with HMAC over (link, file, method, expiry), and their rows in D1 (checked for revocation).
import { randomId } from "@outpost/edge-kit/crypto";
import { AppError } from "@outpost/edge-kit/errors";
import { createTokenSigner } from "@outpost/edge-kit/signing";
import { fileErrors } from "./file-errors";
import type { FileRecord } from "./file-record";
import { FileRepository } from "./file-repository";
import { getFilesConfig, shareLinkSecret } from "./files.config";
import type { ShareLinkView } from "./files.schema";

interface LinkRow {
  id: string;
  file_id: string;
  owner_id: string;
  expires_at: string;
  revoked_at: string | null;
  created_at: string;
}

/** The share_links table. A link's URL is never stored, only what checks it. */
export class ShareLinkStore {
  constructor(private readonly db: D1Database) {}

  async insert(link: { id: string; fileId: string; ownerId: string; expiresAt: string; now: string }): Promise<void> {
    await this.db
      .prepare(
        "INSERT INTO share_links (id, file_id, owner_id, expires_at, revoked_at, created_at) VALUES (?, ?, ?, ?, NULL, ?)",
      )
      .bind(link.id, link.fileId, link.ownerId, link.expiresAt, link.now)
      .run();
  }

  async find(id: string): Promise<LinkRow | null> {
    return this.db
      .prepare("SELECT id, file_id, owner_id, expires_at, revoked_at, created_at FROM share_links WHERE id = ?")
      .bind(id)
      .first<LinkRow>();
  }

  /** The file's links, newest first, without URLs. */
  async list(fileId: string): Promise<Omit<ShareLinkView, "url">[]> {
    const rows = await this.db
      .prepare(
        "SELECT id, file_id, expires_at, revoked_at, created_at FROM share_links WHERE file_id = ? ORDER BY created_at DESC LIMIT 100",
      )
      .bind(fileId)
      .all<Omit<LinkRow, "owner_id">>();
    return rows.results.map((row) => ({
      id: row.id,
      fileId: row.file_id,
      expiresAt: row.expires_at,
      revoked: row.revoked_at !== null,
      createdAt: row.created_at,
    }));
  }

  /** Revokes at once (an earlier revocation time is kept); false when the link is not this file's. */
  async revoke(fileId: string, linkId: string, now: string): Promise<boolean> {
    const result = await this.db
      .prepare("UPDATE share_links SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND file_id = ?")
      .bind(now, linkId, fileId)
      .run();
    return result.meta.changes === 1;
  }
}

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
  await new ShareLinkStore(env.DB).insert({
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

/** Why a share link does not open its file. */
export type ShareRefusal = "expired" | "revoked" | "invalid" | "gone";

const REFUSAL_DETAIL: Record<ShareRefusal, string> = {
  expired: "This link has expired",
  revoked: "This link was revoked",
  invalid: "This link is not valid",
  gone: "The file is no longer shared",
};

/**
 * The 403 a refused share link answers: the files feature's `share-link-invalid` problem (so API clients
 * see exactly that), carrying the reason for the share route's HTML page.
 */
export class ShareLinkRefusedError extends AppError {
  readonly reason: ShareRefusal;

  constructor(reason: ShareRefusal) {
    const problem = fileErrors.linkRefused(REFUSAL_DETAIL[reason]);
    super(problem.status, problem.code, problem.title, { detail: problem.detail });
    this.reason = reason;
  }
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
    throw new ShareLinkRefusedError(verdict.reason === "expired" ? "expired" : "invalid");
  }
  const { l: linkId, f: fileId, m } = verdict.claims;
  if (
    typeof linkId !== "string" ||
    typeof fileId !== "string" ||
    m !== "GET" ||
    (method !== "GET" && method !== "HEAD")
  ) {
    throw new ShareLinkRefusedError("invalid");
  }
  const link = await new ShareLinkStore(env.DB).find(linkId);
  if (!link || link.file_id !== fileId) throw new ShareLinkRefusedError("invalid");
  if (link.revoked_at !== null) throw new ShareLinkRefusedError("revoked");
  if (Date.parse(link.expires_at) <= Date.now()) throw new ShareLinkRefusedError("expired");
  const record = await new FileRepository(env.DB).find(fileId);
  if (!record || record.status === "deleting") throw new ShareLinkRefusedError("gone");
  return record;
}
