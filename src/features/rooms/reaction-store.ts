// Reactions as they are now: one row per (message, emoji, user), never one per event forever. `at` is the log id
// of the reaction that added the row (users are listed oldest first), `since` the log id at which the emoji last
// appeared on the message (emoji are listed in that order). A client that appends a new emoji and a new user at
// the end, and drops an emoji whose count reaches 0, keeps the same order without knowing either.
import { type Member, REACTION_USERS_SHOWN, type Reaction } from "./rooms.schema";

type ReactionRow = { message_id: number; emoji: string; user_id: string; display_name: string; at: number };

export class ReactionStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS reactions (message_id INTEGER NOT NULL, emoji TEXT NOT NULL, user_id TEXT NOT NULL,
         display_name TEXT NOT NULL, at INTEGER NOT NULL, since INTEGER NOT NULL,
         PRIMARY KEY (message_id, emoji, user_id)) WITHOUT ROWID`,
    );
  }

  /** Whether `userId` reacted with `emoji`, and the emoji's `since` and the message's distinct emoji. */
  state(messageId: number, emoji: string, userId: string): { mine: boolean; since: number | null; emoji: number } {
    const row = this.#sql
      .exec<{ mine: number; since: number | null; n: number }>(
        `SELECT (SELECT count(*) FROM reactions WHERE message_id = ?1 AND emoji = ?2 AND user_id = ?3) AS mine,
           (SELECT min(since) FROM reactions WHERE message_id = ?1 AND emoji = ?2) AS since,
           (SELECT count(DISTINCT emoji) FROM reactions WHERE message_id = ?1) AS n`,
        messageId,
        emoji,
        userId,
      )
      .one();
    return { mine: row.mine > 0, since: row.since, emoji: row.n };
  }

  /** One row written. */
  add(messageId: number, emoji: string, member: Member, at: number, since: number): void {
    this.#sql.exec(
      "INSERT INTO reactions (message_id, emoji, user_id, display_name, at, since) VALUES (?, ?, ?, ?, ?, ?)",
      messageId,
      emoji,
      member.userId,
      member.displayName,
      at,
      since,
    );
  }

  /** One row written. */
  remove(messageId: number, emoji: string, userId: string): void {
    this.#sql.exec(
      "DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ?",
      messageId,
      emoji,
      userId,
    );
  }

  count(messageId: number, emoji: string): number {
    return this.#sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM reactions WHERE message_id = ? AND emoji = ?", messageId, emoji)
      .one().n;
  }

  /** A deleted message's reactions go with it: one row written per reaction. */
  deleteFor(messageId: number): number {
    return this.#sql.exec("DELETE FROM reactions WHERE message_id = ?", messageId).rowsWritten;
  }

  deleteUpTo(cutoff: number): number {
    return this.#sql.exec("DELETE FROM reactions WHERE message_id <= ?", cutoff).rowsWritten;
  }

  /** The reactions of messages `ids`, as `reader` sees them (`mine`), by message id. */
  of(ids: readonly number[], reader: string | null): Map<number, Reaction[]> {
    const out = new Map<number, Reaction[]>();
    if (ids.length === 0) return out;
    const low = Math.min(...ids);
    const high = Math.max(...ids);
    const wanted = new Set(ids);
    // Per emoji: its exact count, whether the reader is in it, and only its first REACTION_USERS_SHOWN users.
    const rows = this.#sql
      .exec<ReactionRow & { n: number; mine: number }>(
        `SELECT message_id, emoji, user_id, display_name, n, mine FROM (
           SELECT message_id, emoji, user_id, display_name, since, at,
             row_number() OVER (PARTITION BY message_id, emoji ORDER BY at) AS rank,
             count(*) OVER (PARTITION BY message_id, emoji) AS n,
             max(user_id = ?3) OVER (PARTITION BY message_id, emoji) AS mine
           FROM reactions WHERE message_id BETWEEN ?1 AND ?2)
         WHERE rank <= ?4 ORDER BY message_id, since, emoji, at`,
        low,
        high,
        reader ?? "",
        REACTION_USERS_SHOWN,
      )
      .toArray();
    for (const row of rows) {
      if (!wanted.has(row.message_id)) continue;
      const reactions = out.get(row.message_id) ?? [];
      if (reactions.length === 0) out.set(row.message_id, reactions);
      let reaction = reactions.find((r) => r.emoji === row.emoji);
      if (!reaction) {
        reaction = { emoji: row.emoji, count: row.n, users: [], mine: row.mine === 1 };
        reactions.push(reaction);
      }
      reaction.users.push({ userId: row.user_id, displayName: row.display_name });
    }
    return out;
  }
}
