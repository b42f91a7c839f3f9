// The D1 migrations this build expects, in order. system.test.ts checks the list against migrations/.
export const EXPECTED_MIGRATIONS: readonly string[] = [
  "0001_users.sql",
  "0002_rooms.sql",
  "0003_files.sql",
  "0004_assistant.sql",
  "0005_room_members.sql",
  "0006_room_reads.sql",
  "0007_assistant_steps.sql",
  "0008_room_connections.sql",
];

export interface MigrationState {
  state: "current" | "pending" | "unavailable";
  applied: number;
  pending: string[];
}

/** Reads wrangler's `d1_migrations` table and compares it with the migrations this build expects. */
export async function readMigrationState(db: D1Database, expected = EXPECTED_MIGRATIONS): Promise<MigrationState> {
  let applied: string[];
  try {
    const result = await db.prepare("SELECT name FROM d1_migrations ORDER BY id").all<{ name: string }>();
    applied = result.results.map((row) => row.name);
  } catch (error) {
    // No table yet means no migration has ever run; anything else means D1 did not answer.
    if (!/no such table/i.test(String(error))) return { state: "unavailable", applied: 0, pending: [...expected] };
    applied = [];
  }
  const done = new Set(applied);
  const pending = expected.filter((name) => !done.has(name));
  return { state: pending.length === 0 ? "current" : "pending", applied: applied.length, pending };
}
