// The room directory in D1: which rooms exist, which are private, who belongs to a private room, and how far
// each user has read each room. Messages stay in each room's ChatRoom object; this decides who may reach that
// object at all, and only for a room that exists (the WebSocket upgrade alone creates one: enter()).
import { AppError } from "@outpost/edge-kit/errors";
import type { RoomMember, RoomVisibility } from "./rooms.schema";

export interface RoomEntry {
  name: string;
  visibility: RoomVisibility;
  createdBy: string;
}

/** A room the caller may see, and how far they have read it (null: never visited). */
export interface RoomAccess extends RoomEntry {
  lastReadId: number | null;
}

type MemberRow = { user_id: string; display_name: string; role: "owner" | "member"; added_at: string };
const MEMBER_SELECT =
  "SELECT m.user_id, u.display_name, m.role, m.added_at FROM room_members m JOIN users u ON u.id = m.user_id";
const toMember = (r: MemberRow): RoomMember => ({
  userId: r.user_id,
  displayName: r.display_name,
  role: r.role,
  addedAt: r.added_at,
});

/** The same 404 for a private room you are not in as for nothing at all: names reveal nothing. */
const roomNotFound = () =>
  new AppError(404, "room-not-found", "Room not found", {
    detail: "There is no such room, or it is private and you are not a member",
  });

export class RoomDirectory {
  constructor(private readonly db: D1Database) {}

  /** A member's role in a private room, or null. */
  async roleOf(room: string, userId: string): Promise<"owner" | "member" | null> {
    const row = await this.db
      .prepare("SELECT role FROM room_members WHERE room = ? AND user_id = ?")
      .bind(room, userId)
      .first<{ role: "owner" | "member" }>();
    return row?.role ?? null;
  }

  /**
   * The room as `userId` may see it, with their read cursor, in one query; null when there is no such room
   * or it is private and they are not a member. Membership is read from D1 every time, so a removal applies
   * at once.
   */
  async lookup(room: string, userId: string): Promise<RoomAccess | null> {
    const row = await this.db
      .prepare(
        `SELECT r.name, r.visibility, r.created_by,
           EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.name AND m.user_id = ?1) AS member,
           (SELECT rr.last_read_id FROM room_reads rr WHERE rr.room = r.name AND rr.user_id = ?1) AS last_read_id
         FROM rooms r WHERE r.name = ?2`,
      )
      .bind(userId, room)
      .first<{
        name: string;
        visibility: RoomVisibility;
        created_by: string;
        member: number;
        last_read_id: number | null;
      }>();
    if (!row || (row.visibility === "private" && !row.member)) return null;
    return { name: row.name, visibility: row.visibility, createdBy: row.created_by, lastReadId: row.last_read_id };
  }

  /** Lets `userId` into an existing `room` or throws the room's 404 (the same for a private room and none). */
  async admit(room: string, userId: string): Promise<RoomAccess> {
    const access = await this.lookup(room, userId);
    if (!access) throw roomNotFound();
    return access;
  }

  /**
   * admit(), except that a room nobody has created yet is created public, as the seeds' chat did: only the
   * WebSocket upgrade enters this way. Everything else (the web app included) creates rooms with create().
   */
  async enter(room: string, userId: string): Promise<RoomAccess> {
    const access = await this.lookup(room, userId);
    if (access) return access;
    // OR IGNORE: two first joins may race; a private room created meanwhile keeps its visibility.
    await this.db
      .prepare("INSERT OR IGNORE INTO rooms (name, created_at, created_by, visibility) VALUES (?, ?, ?, 'public')")
      .bind(room, new Date().toISOString(), userId)
      .run();
    // Whoever won the race, the room now exists; a private one created meanwhile is its members' only.
    return this.admit(room, userId);
  }

  /**
   * Records a first visit: the cursor starts at the newest message the user was shown (`lastId`), so a room
   * joined for the first time has nothing unread. An existing cursor is left alone. Returns the cursor.
   */
  async startReading(room: string, userId: string, lastId: number): Promise<number> {
    const inserted = await this.db
      .prepare(
        "INSERT OR IGNORE INTO room_reads (room, user_id, last_read_id, updated_at) VALUES (?, ?, ?, ?) RETURNING last_read_id",
      )
      .bind(room, userId, lastId, new Date().toISOString())
      .first<{ last_read_id: number }>();
    if (inserted) return inserted.last_read_id;
    // Another request of theirs got there first (two tabs): theirs stands.
    const row = await this.db
      .prepare("SELECT last_read_id FROM room_reads WHERE room = ? AND user_id = ?")
      .bind(room, userId)
      .first<{ last_read_id: number }>();
    return row?.last_read_id ?? lastId;
  }

  /** Moves the cursor forward to `lastId`, never back; returns where it now is. */
  async markRead(room: string, userId: string, lastId: number): Promise<number> {
    const row = await this.db
      .prepare(
        `INSERT INTO room_reads (room, user_id, last_read_id, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (room, user_id) DO UPDATE SET
           last_read_id = max(last_read_id, excluded.last_read_id),
           updated_at = CASE WHEN excluded.last_read_id > last_read_id THEN excluded.updated_at ELSE updated_at END
         RETURNING last_read_id`,
      )
      .bind(room, userId, lastId, new Date().toISOString())
      .first<{ last_read_id: number }>();
    return row?.last_read_id ?? lastId;
  }

  /**
   * Creates a room; a private one gets its creator as owner in the same batch, and the creator's read cursor
   * starts at 0 (visited, nothing unread). Null if the name is taken.
   */
  async create(room: string, visibility: RoomVisibility, userId: string): Promise<RoomEntry | null> {
    const now = new Date().toISOString();
    // D1 has no BEGIN/COMMIT: the batch is the transaction. Each later row is written only if the statement
    // before it wrote one, so a taken name leaves its owner and their cursors alone.
    const statements = [
      this.db
        .prepare("INSERT OR IGNORE INTO rooms (name, created_at, created_by, visibility) VALUES (?, ?, ?, ?)")
        .bind(room, now, userId, visibility),
    ];
    if (visibility === "private") {
      statements.push(
        this.db
          .prepare(
            `INSERT INTO room_members (room, user_id, role, added_by, added_at)
             SELECT ?, ?, 'owner', ?, ? WHERE changes() = 1`,
          )
          .bind(room, userId, userId, now),
      );
    }
    statements.push(
      this.db
        .prepare(
          "INSERT INTO room_reads (room, user_id, last_read_id, updated_at) SELECT ?, ?, 0, ? WHERE changes() = 1",
        )
        .bind(room, userId, now),
    );
    const [created] = await this.db.batch(statements);
    return created?.meta.changes === 1 ? { name: room, visibility, createdBy: userId } : null;
  }

  async members(room: string): Promise<RoomMember[]> {
    const { results } = await this.db
      .prepare(`${MEMBER_SELECT} WHERE m.room = ? ORDER BY m.role DESC, u.display_name`)
      .bind(room)
      .all<MemberRow>();
    return results.map(toMember);
  }

  async member(room: string, userId: string): Promise<RoomMember | null> {
    const row = await this.db
      .prepare(`${MEMBER_SELECT} WHERE m.room = ? AND m.user_id = ?`)
      .bind(room, userId)
      .first<MemberRow>();
    return row ? toMember(row) : null;
  }

  /** Adds a member; returns the row and whether it was new. */
  async addMember(room: string, userId: string, addedBy: string): Promise<{ added: boolean }> {
    const result = await this.db
      .prepare(
        "INSERT OR IGNORE INTO room_members (room, user_id, role, added_by, added_at) VALUES (?, ?, 'member', ?, ?)",
      )
      .bind(room, userId, addedBy, new Date().toISOString())
      .run();
    return { added: result.meta.changes === 1 };
  }

  async removeMember(room: string, userId: string): Promise<boolean> {
    const result = await this.db
      .prepare("DELETE FROM room_members WHERE room = ? AND user_id = ? AND role = 'member'")
      .bind(room, userId)
      .run();
    return result.meta.changes === 1;
  }

  /**
   * The rooms `userId` may see, newest first: every public room and the private ones they are in, each with
   * their read cursor (null: never visited).
   */
  async visibleTo(userId: string, limit: number): Promise<RoomAccess[]> {
    const { results } = await this.db
      .prepare(
        `SELECT r.name, r.visibility, r.created_by, rr.last_read_id FROM rooms r
         LEFT JOIN room_reads rr ON rr.room = r.name AND rr.user_id = ?1
         WHERE r.visibility = 'public'
            OR EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.name AND m.user_id = ?1)
         ORDER BY r.created_at DESC LIMIT ?2`,
      )
      .bind(userId, limit)
      .all<{ name: string; visibility: RoomVisibility; created_by: string; last_read_id: number | null }>();
    return results.map((r) => ({
      name: r.name,
      visibility: r.visibility,
      createdBy: r.created_by,
      lastReadId: r.last_read_id,
    }));
  }
}
