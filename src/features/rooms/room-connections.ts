// Which rooms may hold a user's sockets or unused tickets (D1 `room_connections`, written once per connect or
// ticket, never per message), and telling those rooms when sessions end: each room closes the matching sockets
// with 4401 and voids the matching tickets (ChatRoom.revokeSessions). A message still costs no D1 read.
import type { Logger } from "@outpost/edge-kit/context";
import type { RevokeScope } from "./room-tickets";

/** Rooms told at once; the rest wait for a slot (a user in hundreds of rooms must not open hundreds of calls). */
const ROOMS_AT_ONCE = 6;

export interface RevokeReport {
  rooms: number;
  closed: number;
  failed: number;
}

export class RoomConnections {
  constructor(private readonly db: D1Database) {}

  /**
   * Records that `userId` may hold a socket or ticket in `room`. Called before the upgrade or the ticket reaches
   * the room, so a revocation that reads the registry later finds it; `updated_at` keeps a fresh row from being
   * forgotten by a revocation that started before it.
   */
  async remember(userId: string, room: string): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO room_connections (user_id, room, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id, room) DO UPDATE SET updated_at = excluded.updated_at`,
      )
      .bind(userId, room, Date.now())
      .run();
  }

  async roomsOf(userId: string): Promise<string[]> {
    const { results } = await this.db
      .prepare("SELECT room FROM room_connections WHERE user_id = ?")
      .bind(userId)
      .all<{ room: string }>();
    return results.map((r) => r.room);
  }

  /** Forgets rooms that hold nothing of the user any more, unless remembered again since `before`. */
  async forget(userId: string, rooms: readonly string[], before: number): Promise<void> {
    // D1 binds at most 100 parameters a statement.
    for (let i = 0; i < rooms.length; i += 90) {
      const chunk = rooms.slice(i, i + 90);
      await this.db
        .prepare(
          `DELETE FROM room_connections WHERE user_id = ? AND updated_at <= ? AND room IN (${chunk.map(() => "?").join(", ")})`,
        )
        .bind(userId, before, ...chunk)
        .run();
    }
  }
}

/**
 * Tells every room where `scope.userId` may hold sockets or tickets that those sessions ended, a few rooms at a
 * time. A room that cannot be reached is logged and counted, never thrown: the caller's answer does not depend
 * on every room being up (a room that missed it still refuses the session's next upgrade by the Worker's checks).
 */
export async function revokeRoomSessions(env: Env, scope: RevokeScope, logger?: Logger): Promise<RevokeReport> {
  const started = Date.now();
  const connections = new RoomConnections(env.DB);
  const rooms = await connections.roomsOf(scope.userId);
  const report: RevokeReport = { rooms: rooms.length, closed: 0, failed: 0 };
  const empty: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < rooms.length) {
      const room = rooms[next++] as string;
      try {
        const result = await env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room)).revokeSessions(scope);
        report.closed += result.closed;
        if (result.remaining === 0) empty.push(room);
      } catch (error) {
        report.failed++;
        logger?.warn("room not told of a revoked session", { room, userId: scope.userId, error: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ROOMS_AT_ONCE, rooms.length) }, worker));
  if (empty.length > 0) {
    await connections.forget(scope.userId, empty, started).catch((error: unknown) => {
      logger?.warn("room connections not pruned", { userId: scope.userId, error: String(error) });
    });
  }
  return report;
}
