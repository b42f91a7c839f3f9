// Who may be @mentioned in a room: everyone who has connected, plus members added to a private room, minus
// those removed (a `people` table in the room's SQLite, mirrored in memory so that a connect that changes nothing
// writes nothing, and a mention is resolved without a query). Resolving a message's mentions: `@` + a known
// display name (case-insensitive, spaces allowed), between word boundaries, longest name first; `@room` for
// everyone; unknown names stay plain text and reveal nothing; code spans and fenced code blocks do not count.
import type { Member } from "./rooms.schema";

/** Members one message mentions at most (an @room reaches everyone without listing them). */
export const MAX_MENTIONS = 100;

const WORD = /[\p{L}\p{N}\p{M}_]/u;
const blank = (text: string) => text.replace(/[^\n]/g, " ");

/** The text with code replaced by spaces (so boundaries around it stay boundaries): fences, then code spans. */
export function withoutCode(text: string): string {
  return withoutCodeSpans(withoutFences(text));
}

/** Fenced code blocks (``` or ~~~, closed by a fence of the same character at least as long, or the end). */
function withoutFences(text: string): string {
  let fence: string | null = null;
  return text
    .split("\n")
    .map((line) => {
      const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === null) {
        if (!marker || (marker[0] === "`" && line.slice(line.indexOf(marker) + marker.length).includes("`"))) {
          return line;
        }
        fence = marker;
        return blank(line);
      }
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && /^ {0,3}[`~]+[ \t]*$/.test(line)) {
        fence = null;
      }
      return blank(line);
    })
    .join("\n");
}

/** Code spans: a run of n backticks up to the next run of exactly n (an unmatched run is literal). */
function withoutCodeSpans(text: string): string {
  const runs = [...text.matchAll(/`+/g)].map((m) => ({ at: m.index, length: m[0].length }));
  let out = "";
  let copied = 0;
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i] as { at: number; length: number };
    const close = runs.findIndex((r, j) => j > i && r.length === open.length);
    if (close === -1) continue;
    const end = (runs[close] as { at: number }).at + open.length;
    out += text.slice(copied, open.at) + blank(text.slice(open.at, end));
    copied = end;
    i = close;
  }
  return out + text.slice(copied);
}

export class RoomPeople {
  readonly #sql: SqlStorage;
  /** userId → display name; loaded on first use. */
  #byId: Map<string, string> | null = null;
  /** lower-cased display name → the people with it (display names are not unique). */
  #byName: Map<string, Member[]> | null = null;
  #longest = 0;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS people (user_id TEXT PRIMARY KEY, display_name TEXT NOT NULL,
         name_lower TEXT NOT NULL)`,
    );
  }

  /** Someone connected: recorded when new or renamed; otherwise nothing is written. */
  seen(member: Member): void {
    if (this.#people().get(member.userId) === member.displayName) return;
    this.#sql.exec(
      `INSERT INTO people (user_id, display_name, name_lower) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, name_lower = excluded.name_lower`,
      member.userId,
      member.displayName,
      member.displayName.toLowerCase(),
    );
    this.#people().set(member.userId, member.displayName);
    this.#byName = null;
  }

  /** A member added to a private room (before they ever connect). */
  add(member: Member): void {
    this.seen(member);
  }

  /** A member removed: no longer mentionable, nor notified. */
  remove(userId: string): void {
    if (!this.#people().has(userId)) return;
    this.#sql.exec("DELETE FROM people WHERE user_id = ?", userId);
    this.#people().delete(userId);
    this.#byName = null;
  }

  /** Whether `userId` may be mentioned (and notified) here. */
  has(userId: string): boolean {
    return this.#people().has(userId);
  }

  /** Autocomplete: display names containing `query` (case-insensitive), prefix matches first, then by name. */
  list(query: string, limit: number): Member[] {
    const q = query.trim().toLowerCase();
    return this.#sql
      .exec<{ user_id: string; display_name: string }>(
        `SELECT user_id, display_name FROM people WHERE ?1 = '' OR instr(name_lower, ?1) > 0
         ORDER BY instr(name_lower, ?1) <> 1, name_lower, user_id LIMIT ?2`,
        q,
        Math.max(0, limit),
      )
      .toArray()
      .map((r) => ({ userId: r.user_id, displayName: r.display_name }));
  }

  /** Everyone but `exceptUserId` (an @room's recipients), by name, at most `limit`. */
  everyone(exceptUserId: string, limit: number): Member[] {
    return this.#sql
      .exec<{ user_id: string; display_name: string }>(
        "SELECT user_id, display_name FROM people WHERE user_id <> ? ORDER BY name_lower, user_id LIMIT ?",
        exceptUserId,
        Math.max(0, limit),
      )
      .toArray()
      .map((r) => ({ userId: r.user_id, displayName: r.display_name }));
  }

  /** The known people `text` mentions (never the sender; at most MAX_MENTIONS), and whether it says @room. */
  resolve(text: string, senderId: string): { mentions: Member[]; mentionsRoom: boolean } {
    const source = withoutCode(text).toLowerCase();
    const byName = this.#names();
    const found = new Map<string, Member>();
    let mentionsRoom = false;
    let at = source.indexOf("@");
    while (at !== -1) {
      let next = at + 1;
      if (at === 0 || !WORD.test(source[at - 1] as string)) {
        const name = this.#longestAt(source, at + 1, byName);
        if (name !== null && name.length > "room".length) {
          for (const member of byName.get(name) ?? []) {
            if (member.userId !== senderId && found.size < MAX_MENTIONS) found.set(member.userId, member);
          }
          next = at + 1 + name.length;
        } else if (isWordAt(source, at + 1, "room")) {
          mentionsRoom = true;
          next = at + 5;
        } else if (name !== null) {
          for (const member of byName.get(name) ?? []) {
            if (member.userId !== senderId && found.size < MAX_MENTIONS) found.set(member.userId, member);
          }
          next = at + 1 + name.length;
        }
      }
      at = source.indexOf("@", next);
    }
    return { mentions: [...found.values()], mentionsRoom };
  }

  /** The longest known (lower-cased) name starting at `start` and ending at a boundary, or null. */
  #longestAt(source: string, start: number, byName: Map<string, Member[]>): string | null {
    const end = Math.min(source.length, start + this.#longest);
    for (let stop = end; stop > start; stop--) {
      if (stop < source.length && WORD.test(source[stop] as string)) continue;
      const candidate = source.slice(start, stop);
      if (byName.has(candidate)) return candidate;
    }
    return null;
  }

  #people(): Map<string, string> {
    if (this.#byId) return this.#byId;
    const rows = this.#sql
      .exec<{ user_id: string; display_name: string }>("SELECT user_id, display_name FROM people")
      .toArray();
    this.#byId = new Map(rows.map((r) => [r.user_id, r.display_name]));
    return this.#byId;
  }

  #names(): Map<string, Member[]> {
    if (this.#byName) return this.#byName;
    const byName = new Map<string, Member[]>();
    let longest = 0;
    for (const [userId, displayName] of this.#people()) {
      const key = displayName.toLowerCase();
      longest = Math.max(longest, key.length);
      const list = byName.get(key);
      if (list) list.push({ userId, displayName });
      else byName.set(key, [{ userId, displayName }]);
    }
    this.#byName = byName;
    this.#longest = longest;
    return byName;
  }
}

function isWordAt(source: string, start: number, word: string): boolean {
  if (!source.startsWith(word, start)) return false;
  const after = source[start + word.length];
  return after === undefined || !WORD.test(after);
}
