// The room directory in D1: which rooms exist, which are private, and who belongs to a private room.
// Messages stay in each room's ChatRoom object; this decides who may reach that object at all.
import { AppError } from "@outpost/edge-kit/errors";
import type { RoomMember, RoomVisibility } from "./rooms.schema";

export interface RoomEntry {
  name: string;
  visibility: RoomVisibility;
  createdBy: string;
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

  async get(name: string): Promise<RoomEntry | null> {
    const row = await this.db
      .prepare("SELECT name, visibility, created_by FROM rooms WHERE name = ?")
      .bind(name)
      .first<{ name: string; visibility: RoomVisibility; created_by: string }>();
    return row ? { name: row.name, visibility: row.visibility, createdBy: row.created_by } : null;
  }

  /** A member's role in a private room, or null. */
  async roleOf(room: string, userId: string): Promise<"owner" | "member" | null> {
    const row = await this.db
      .prepare("SELECT role FROM room_members WHERE room = ? AND user_id = ?")
      .bind(room, userId)
      .first<{ role: "owner" | "member" }>();
    return row?.role ?? null;
  }

  /**
   * Lets `userId` into `room` or throws the room's 404. A room that does not exist yet is public: joining
   * creates it. Membership is read from D1 on every check, so a removal applies at once.
   */
  async admit(room: string, userId: string): Promise<RoomEntry & { exists: boolean }> {
    const entry = await this.get(room);
    if (!entry) return { name: room, visibility: "public", createdBy: userId, exists: false };
    if (entry.visibility === "private" && (await this.roleOf(room, userId)) === null) throw roomNotFound();
    return { ...entry, exists: true };
  }

  /** admit(), and a room joined for the first time is recorded as public (one write, only then). */
  async enter(room: string, userId: string): Promise<RoomEntry> {
    const { exists, ...entry } = await this.admit(room, userId);
    if (!exists) {
      // OR IGNORE: two first joins may race; a private room created meanwhile keeps its visibility.
      await this.db
        .prepare("INSERT OR IGNORE INTO rooms (name, created_at, created_by, visibility) VALUES (?, ?, ?, 'public')")
        .bind(room, new Date().toISOString(), userId)
        .run();
    }
    return entry;
  }

  /** Creates a room; a private one gets its creator as owner in the same batch. Null if the name is taken. */
  async create(room: string, visibility: RoomVisibility, userId: string): Promise<RoomEntry | null> {
    const now = new Date().toISOString();
    const insert = this.db
      .prepare("INSERT OR IGNORE INTO rooms (name, created_at, created_by, visibility) VALUES (?, ?, ?, ?)")
      .bind(room, now, userId, visibility);
    if (visibility === "public") {
      const result = await insert.run();
      return result.meta.changes === 1 ? { name: room, visibility, createdBy: userId } : null;
    }
    // D1 has no BEGIN/COMMIT: the batch is the transaction. The member row is written only if this batch
    // created the room (a taken name leaves its owner alone).
    const [created] = await this.db.batch([
      insert,
      this.db
        .prepare(
          `INSERT INTO room_members (room, user_id, role, added_by, added_at)
           SELECT ?, ?, 'owner', ?, ? WHERE changes() = 1`,
        )
        .bind(room, userId, userId, now),
    ]);
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

  /** Names of the rooms `userId` may see, newest first: every public room and the private ones they are in. */
  async visibleTo(userId: string, limit: number): Promise<RoomEntry[]> {
    const { results } = await this.db
      .prepare(
        `SELECT r.name, r.visibility, r.created_by FROM rooms r
         WHERE r.visibility = 'public'
            OR EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.name AND m.user_id = ?)
         ORDER BY r.created_at DESC LIMIT ?`,
      )
      .bind(userId, limit)
      .all<{ name: string; visibility: RoomVisibility; created_by: string }>();
    return results.map((r) => ({ name: r.name, visibility: r.visibility, createdBy: r.created_by }));
  }
}
