// The rooms a user's search reads: every public room and the private rooms they are a member of (the same rule
// as RoomDirectory.visibleTo), most recently active for them first.
/** Rooms one search fans out to: one RPC each, in parallel. */
export const SEARCH_ROOMS_MAX = 50;

/**
 * The names of at most `limit` rooms `userId` may read. "Active" is what D1 knows without asking each room:
 * when the user's read cursor last moved there (reading new messages), else when the room was created.
 */
export async function searchableRooms(db: D1Database, userId: string, limit = SEARCH_ROOMS_MAX): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT r.name FROM rooms r
       LEFT JOIN room_reads rr ON rr.room = r.name AND rr.user_id = ?1
       WHERE r.visibility = 'public'
          OR EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.name AND m.user_id = ?1)
       ORDER BY max(COALESCE(rr.updated_at, ''), r.created_at) DESC, r.name
       LIMIT ?2`,
    )
    .bind(userId, limit)
    .all<{ name: string }>();
  return results.map((row) => row.name);
}
