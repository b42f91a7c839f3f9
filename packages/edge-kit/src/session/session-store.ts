// Sessions in KV: random 256-bit tokens, stored only as their SHA-256, with idle and absolute expiry.
import { z } from "zod";
import { randomId, randomToken, sha256Hex } from "../crypto";

/** KV refuses expirationTtl below 60 s (developers.cloudflare.com/kv/api/write-key-value-pairs/). */
const MIN_KV_TTL_SECONDS = 60;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const SessionRecordSchema = z.object({
  id: z.string(),
  userId: z.string(),
  role: z.enum(["member", "admin"]),
  /** The user's session epoch at creation; sensitive routes compare it with D1. */
  epoch: z.number().int(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  absoluteExpiresAt: z.number(),
  userAgent: z.string().max(200),
});

export type SessionRecord = z.infer<typeof SessionRecordSchema>;

const IndexMetadataSchema = z.object({
  tokenHash: z.string(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  userAgent: z.string(),
});

export interface SessionSummary {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  userAgent: string;
}

export interface SessionPolicy {
  /** A session unused this long expires. */
  idleSeconds: number;
  /** A session expires this long after login, used or not. */
  absoluteSeconds: number;
  /** lastSeenAt is written back at most this often, so a busy session costs one KV write per interval. */
  renewAfterSeconds: number;
}

export interface SessionStoreOptions {
  policy: SessionPolicy;
  now?: () => number;
}

export type ValidationResult =
  | { ok: true; session: SessionRecord; tokenHash: string; renew: boolean }
  /** `unavailable`: KV could not be read, so nothing is known about the session (not that it is invalid). */
  | { ok: false; reason: "malformed" | "unknown" | "expired" | "unavailable" };

const sessionKey = (tokenHash: string) => `s:${tokenHash}`;
const indexPrefix = (userId: string) => `u:${userId}:`;
const indexKey = (userId: string, id: string) => `${indexPrefix(userId)}${id}`;

/**
 * KV layout: `s:<sha256(token)>` → the session record; `u:<userId>:<sessionId>` → an index entry whose
 * metadata lists the session without a second read. No key or value holds the raw token.
 *
 * KV is eventually consistent: a revoked session can still be accepted for up to about 60 s in other
 * locations (developers.cloudflare.com/kv/concepts/how-kv-works/). Routes that must not tolerate that
 * re-check the user in D1.
 *
 * @example
 * const store = new SessionStore(env.SESSIONS, { policy });
 * const { token } = await store.create({ userId, role: "member", epoch: 0, userAgent });
 * const result = await store.validate(token); // { ok: true, session, … }
 */
export class SessionStore {
  readonly #kv: KVNamespace;
  readonly #policy: SessionPolicy;
  readonly #now: () => number;

  constructor(kv: KVNamespace, options: SessionStoreOptions) {
    this.#kv = kv;
    this.#policy = options.policy;
    this.#now = options.now ?? Date.now;
  }

  /** A new session with a fresh token: call at every login (no fixation: ids never carry over). */
  async create(input: { userId: string; role: SessionRecord["role"]; epoch: number; userAgent: string }) {
    const now = this.#now();
    const token = randomToken();
    const tokenHash = await sha256Hex(token);
    const session: SessionRecord = {
      id: randomId(12),
      userId: input.userId,
      role: input.role,
      epoch: input.epoch,
      createdAt: now,
      lastSeenAt: now,
      absoluteExpiresAt: now + this.#policy.absoluteSeconds * 1000,
      userAgent: input.userAgent.slice(0, 200),
    };
    await this.#write(session, tokenHash);
    return { token, session };
  }

  /** Checks a presented token. `renew` says the caller should call `touch` (e.g. under waitUntil). */
  async validate(token: string): Promise<ValidationResult> {
    if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: "malformed" };
    const tokenHash = await sha256Hex(token);
    let text: string | null;
    try {
      text = await this.#kv.get(sessionKey(tokenHash), "text");
    } catch {
      // A failed read is not an answer: treating it as "unknown" would sign every user out during an outage.
      return { ok: false, reason: "unavailable" };
    }
    // A stored value that is not a session record (corrupt, or not JSON at all) is unknown, not unavailable.
    let raw: unknown = null;
    try {
      raw = text === null ? null : JSON.parse(text);
    } catch {}
    const parsed = SessionRecordSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, reason: "unknown" };
    const session = parsed.data;
    const now = this.#now();
    if (now >= session.absoluteExpiresAt || now >= session.lastSeenAt + this.#policy.idleSeconds * 1000) {
      return { ok: false, reason: "expired" };
    }
    const renew = now - session.lastSeenAt >= this.#policy.renewAfterSeconds * 1000;
    return { ok: true, session, tokenHash, renew };
  }

  /** Slides the idle expiry forward. */
  async touch(session: SessionRecord, tokenHash: string): Promise<void> {
    await this.#write({ ...session, lastSeenAt: this.#now() }, tokenHash);
  }

  /** The user's live sessions, newest first (follows KV's list cursor past 1 000 keys). */
  async list(userId: string): Promise<SessionSummary[]> {
    const out: SessionSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#kv.list({ prefix: indexPrefix(userId), ...(cursor === undefined ? {} : { cursor }) });
      for (const key of page.keys) {
        const meta = IndexMetadataSchema.safeParse(key.metadata);
        if (!meta.success) continue;
        out.push({
          id: key.name.slice(indexPrefix(userId).length),
          createdAt: meta.data.createdAt,
          lastSeenAt: meta.data.lastSeenAt,
          userAgent: meta.data.userAgent,
        });
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    const idleMs = this.#policy.idleSeconds * 1000;
    const now = this.#now();
    return out.filter((s) => s.lastSeenAt + idleMs > now).sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Revokes one of `userId`'s sessions by its public id; false if the user has no such session. */
  async revoke(userId: string, sessionId: string): Promise<boolean> {
    const index = await this.#kv.getWithMetadata(indexKey(userId, sessionId));
    const meta = IndexMetadataSchema.safeParse(index.metadata);
    if (index.value === null || !meta.success) return false;
    await Promise.all([this.#kv.delete(sessionKey(meta.data.tokenHash)), this.#kv.delete(indexKey(userId, sessionId))]);
    return true;
  }

  /** Revokes every session of `userId` except `keepSessionId`; returns how many were revoked. */
  async revokeAll(userId: string, keepSessionId?: string): Promise<number> {
    return (await this.revokeAllListed(userId, keepSessionId)).length;
  }

  /** As `revokeAll`, returning the public ids of the sessions revoked (to tell whoever holds their connections). */
  async revokeAllListed(userId: string, keepSessionId?: string): Promise<string[]> {
    const revoked: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#kv.list({ prefix: indexPrefix(userId), ...(cursor === undefined ? {} : { cursor }) });
      const doomed = page.keys.filter((key) => key.name !== indexKey(userId, keepSessionId ?? ""));
      await Promise.all(
        doomed.map(async (key) => {
          const meta = IndexMetadataSchema.safeParse(key.metadata);
          if (meta.success) await this.#kv.delete(sessionKey(meta.data.tokenHash));
          await this.#kv.delete(key.name);
        }),
      );
      revoked.push(...doomed.map((key) => key.name.slice(indexPrefix(userId).length)));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return revoked;
  }

  async #write(session: SessionRecord, tokenHash: string): Promise<void> {
    const idleEnd = session.lastSeenAt + this.#policy.idleSeconds * 1000;
    const end = Math.min(idleEnd, session.absoluteExpiresAt);
    const expirationTtl = Math.max(MIN_KV_TTL_SECONDS, Math.ceil((end - this.#now()) / 1000));
    const metadata = {
      tokenHash,
      createdAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
      userAgent: session.userAgent.slice(0, 120),
    };
    await Promise.all([
      this.#kv.put(sessionKey(tokenHash), JSON.stringify(session), { expirationTtl }),
      this.#kv.put(indexKey(session.userId, session.id), "", { expirationTtl, metadata }),
    ]);
  }
}
