// Room admission: single-use tickets for browsers, the identity headers the Worker sets after it has
// authenticated the caller (the object is reachable only through the Worker), and the sessions revoked lately,
// so that an upgrade racing a revocation is refused here too.
import { randomToken, sha256Hex } from "@outpost/edge-kit/crypto";
import type { Member } from "./rooms.schema";

const TICKET_TTL_MS = 60_000;
/**
 * How long a revocation is remembered. It must outlast a ticket (60 s) and an upgrade in flight when it came; it
 * also covers most of KV's propagation (a revoked session can pass the Worker's KV check for up to about 60 s
 * in other locations).
 */
const REVOCATION_MEMORY_MS = 10 * 60_000;

/** The URL the Worker forwards WebSocket upgrades to; the object only looks at the headers. */
export const ROOM_UPGRADE_URL = "https://room.internal/ws";

export const IDENTITY_HEADERS = {
  userId: "X-Outpost-User-Id",
  displayName: "X-Outpost-Display-Name",
  room: "X-Outpost-Room",
  ticket: "X-Outpost-Ticket",
  sessionId: "X-Outpost-Session-Id",
  epoch: "X-Outpost-Session-Epoch",
  /** "1": the caller may delete others' messages here (an admin, or the private room's owner). */
  moderator: "X-Outpost-Moderator",
} as const;

/** The session a socket or a ticket was obtained with ("" and 0 when unknown: matched by every revocation). */
export interface SessionRef {
  sessionId: string;
  epoch: number;
}

/** Who is coming in, and with which session. */
export interface Admission extends SessionRef {
  member: Member;
  /** May delete others' messages (decided by the Worker when the upgrade or ticket was asked for). */
  moderator: boolean;
}

/**
 * Which of a user's sockets and tickets a revocation ends: the listed sessions; or all but `keepSession`
 * ("sign out everywhere else"); or, with `belowEpoch`, every one obtained with an older session epoch (the
 * account's epoch was raised: password changed, disabled, role changed).
 */
export interface RevokeScope {
  userId: string;
  sessions?: readonly string[];
  keepSession?: string;
  belowEpoch?: number;
}

/** Whether a socket or ticket obtained with `ref` falls under `scope` (the user is already matched). */
export function isRevoked(ref: Partial<SessionRef>, scope: RevokeScope): boolean {
  // Sockets from before sessions were recorded match every revocation of their user.
  if (!ref.sessionId) return true;
  if (scope.belowEpoch !== undefined) return (ref.epoch ?? 0) < scope.belowEpoch;
  if (scope.keepSession !== undefined) return ref.sessionId !== scope.keepSession;
  return scope.sessions?.includes(ref.sessionId) ?? false;
}

/**
 * What the object tells the Worker in its 101 answer (never passed on to the client): who joined, and the
 * newest message id their welcome showed, where a first visit's read cursor starts.
 */
export const JOINED_HEADERS = {
  userId: "X-Outpost-Joined-User-Id",
  lastId: "X-Outpost-Joined-Last-Id",
} as const;

export class RoomTickets {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    // Tickets now carry their session: the old table (tickets of at most 60 s) is dropped, not migrated.
    sql.exec("DROP TABLE IF EXISTS tickets");
    sql.exec(
      `CREATE TABLE IF NOT EXISTS session_tickets (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL,
         display_name TEXT NOT NULL, session_id TEXT NOT NULL, epoch INTEGER NOT NULL, expires_at INTEGER NOT NULL,
         moderator INTEGER NOT NULL DEFAULT 0)`,
    );
    // Tables from before issue 14 lack `moderator` (their tickets read as 0: not a moderator).
    const columns = sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('session_tickets')").toArray();
    if (!columns.some((c) => c.name === "moderator")) {
      sql.exec("ALTER TABLE session_tickets ADD COLUMN moderator INTEGER NOT NULL DEFAULT 0");
    }
    // session_id '' with min_epoch: every session of the user below that epoch; otherwise that one session.
    sql.exec(
      `CREATE TABLE IF NOT EXISTS revoked_sessions (user_id TEXT NOT NULL, session_id TEXT NOT NULL,
         min_epoch INTEGER NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (user_id, session_id))`,
    );
  }

  /** A single-use ticket for browsers that cannot send credentials with the WebSocket handshake. */
  async issue(member: Member, session: SessionRef, moderator = false): Promise<{ ticket: string; expiresAt: number }> {
    const now = Date.now();
    const ticket = randomToken();
    this.#sql.exec("DELETE FROM session_tickets WHERE expires_at <= ?", now);
    this.#sql.exec(
      "INSERT INTO session_tickets (hash, user_id, display_name, session_id, epoch, expires_at, moderator) VALUES (?, ?, ?, ?, ?, ?, ?)",
      await sha256Hex(ticket),
      member.userId,
      member.displayName,
      session.sessionId,
      session.epoch,
      now + TICKET_TTL_MS,
      moderator ? 1 : 0,
    );
    return { ticket, expiresAt: now + TICKET_TTL_MS };
  }

  /** Voids a user's unused tickets (a ticket is checked for membership only when it is issued). */
  revoke(userId: string): void {
    this.#sql.exec("DELETE FROM session_tickets WHERE user_id = ?", userId);
  }

  /**
   * Voids the tickets `scope` covers and remembers the revocation for a while, so an upgrade or ticket already
   * on its way is refused when it arrives. Returns how many unused tickets of the user remain.
   */
  revokeSessions(scope: RevokeScope): number {
    const now = Date.now();
    const tickets = this.#sql
      .exec<{ hash: string; session_id: string; epoch: number }>(
        "SELECT hash, session_id, epoch FROM session_tickets WHERE user_id = ? AND expires_at > ?",
        scope.userId,
        now,
      )
      .toArray();
    let remaining = 0;
    for (const t of tickets) {
      if (isRevoked({ sessionId: t.session_id, epoch: t.epoch }, scope)) {
        this.#sql.exec("DELETE FROM session_tickets WHERE hash = ?", t.hash);
      } else remaining++;
    }
    const until = now + REVOCATION_MEMORY_MS;
    this.#sql.exec("DELETE FROM revoked_sessions WHERE expires_at <= ?", now);
    if (scope.belowEpoch !== undefined) {
      this.#sql.exec(
        `INSERT INTO revoked_sessions (user_id, session_id, min_epoch, expires_at) VALUES (?, '', ?, ?)
         ON CONFLICT (user_id, session_id) DO UPDATE SET min_epoch = max(min_epoch, excluded.min_epoch),
           expires_at = excluded.expires_at`,
        scope.userId,
        scope.belowEpoch,
        until,
      );
    }
    for (const sessionId of scope.sessions ?? []) {
      if (!sessionId) continue;
      this.#sql.exec(
        "INSERT OR REPLACE INTO revoked_sessions (user_id, session_id, min_epoch, expires_at) VALUES (?, ?, 0, ?)",
        scope.userId,
        sessionId,
        until,
      );
    }
    return remaining;
  }

  /** Whether a revocation remembered here covers `userId`'s session `ref`. */
  #wasRevoked(userId: string, ref: SessionRef): boolean {
    return (
      this.#sql
        .exec(
          `SELECT 1 FROM revoked_sessions WHERE user_id = ?1 AND expires_at > ?2
             AND ((session_id = ?3 AND ?3 <> '') OR (session_id = '' AND min_epoch > ?4)) LIMIT 1`,
          userId,
          Date.now(),
          ref.sessionId,
          ref.epoch,
        )
        .toArray().length > 0
    );
  }

  /**
   * Who an upgrade request is: a ticket (consumed), else the identity headers the Worker set; null when neither
   * admits it, or its session was revoked meanwhile.
   */
  async identify(request: Request): Promise<Admission | null> {
    const admission = await this.#read(request);
    if (!admission || this.#wasRevoked(admission.member.userId, admission)) return null;
    return admission;
  }

  async #read(request: Request): Promise<Admission | null> {
    const ticket = request.headers.get(IDENTITY_HEADERS.ticket);
    if (ticket) {
      // Single use, atomically: the DELETE both checks and consumes.
      const row = this.#sql
        .exec<{ user_id: string; display_name: string; session_id: string; epoch: number; moderator: number }>(
          "DELETE FROM session_tickets WHERE hash = ? AND expires_at > ? RETURNING user_id, display_name, session_id, epoch, moderator",
          await sha256Hex(ticket),
          Date.now(),
        )
        .toArray()[0];
      if (!row) return null;
      return {
        member: { userId: row.user_id, displayName: row.display_name },
        sessionId: row.session_id,
        epoch: row.epoch,
        moderator: row.moderator === 1,
      };
    }
    const userId = request.headers.get(IDENTITY_HEADERS.userId);
    const displayName = request.headers.get(IDENTITY_HEADERS.displayName);
    if (!userId || displayName === null) return null;
    const epoch = Number(request.headers.get(IDENTITY_HEADERS.epoch) ?? 0);
    return {
      member: { userId, displayName: decodeURIComponent(displayName) },
      sessionId: request.headers.get(IDENTITY_HEADERS.sessionId) ?? "",
      epoch: Number.isSafeInteger(epoch) ? epoch : 0,
      moderator: request.headers.get(IDENTITY_HEADERS.moderator) === "1",
    };
  }
}
