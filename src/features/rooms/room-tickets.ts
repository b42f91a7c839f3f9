// Room admission: single-use tickets for browsers, and the identity headers the Worker sets after it has
// authenticated the caller (the object is reachable only through the Worker).
import { randomToken, sha256Hex } from "@outpost/edge-kit/crypto";
import type { Member } from "./rooms.schema";

const TICKET_TTL_MS = 60_000;

/** The URL the Worker forwards WebSocket upgrades to; the object only looks at the headers. */
export const ROOM_UPGRADE_URL = "https://room.internal/ws";

export const IDENTITY_HEADERS = {
  userId: "X-Outpost-User-Id",
  displayName: "X-Outpost-Display-Name",
  room: "X-Outpost-Room",
  ticket: "X-Outpost-Ticket",
} as const;

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
    sql.exec(
      "CREATE TABLE IF NOT EXISTS tickets (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, display_name TEXT NOT NULL, expires_at INTEGER NOT NULL)",
    );
  }

  /** A single-use ticket for browsers that cannot send credentials with the WebSocket handshake. */
  async issue(member: Member): Promise<{ ticket: string; expiresAt: number }> {
    const now = Date.now();
    const ticket = randomToken();
    this.#sql.exec("DELETE FROM tickets WHERE expires_at <= ?", now);
    this.#sql.exec(
      "INSERT INTO tickets (hash, user_id, display_name, expires_at) VALUES (?, ?, ?, ?)",
      await sha256Hex(ticket),
      member.userId,
      member.displayName,
      now + TICKET_TTL_MS,
    );
    return { ticket, expiresAt: now + TICKET_TTL_MS };
  }

  /** Voids a user's unused tickets (a ticket is checked for membership only when it is issued). */
  revoke(userId: string): void {
    this.#sql.exec("DELETE FROM tickets WHERE user_id = ?", userId);
  }

  /** Who an upgrade request is: a ticket (consumed), else the identity headers the Worker set. */
  async identify(request: Request): Promise<Member | null> {
    const ticket = request.headers.get(IDENTITY_HEADERS.ticket);
    if (ticket) {
      // Single use, atomically: the DELETE both checks and consumes.
      const row = this.#sql
        .exec<{ user_id: string; display_name: string }>(
          "DELETE FROM tickets WHERE hash = ? AND expires_at > ? RETURNING user_id, display_name",
          await sha256Hex(ticket),
          Date.now(),
        )
        .toArray()[0];
      return row ? { userId: row.user_id, displayName: row.display_name } : null;
    }
    const userId = request.headers.get(IDENTITY_HEADERS.userId);
    const displayName = request.headers.get(IDENTITY_HEADERS.displayName);
    if (!userId || displayName === null) return null;
    return { userId, displayName: decodeURIComponent(displayName) };
  }
}
