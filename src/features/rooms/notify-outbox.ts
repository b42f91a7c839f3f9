// Notifications a room owes its people's inboxes. queue() writes them to `notify_outbox` in the same synchronous
// step as the message (so a notification is never lost once the message is stored); deliver() hands them to each
// recipient's Inbox object by RPC (idempotent there), deletes what was delivered, and leaves the rest for the
// room's alarm with a growing delay. Rows exist only for messages that notify someone.
import { createLogger, isLogLevel, type Logger } from "@outpost/edge-kit/context";
import type { InboxNotice } from "../inbox/inbox.schema";
import type { RoomPeople } from "./room-people";
import type { ChatMessage, Member } from "./rooms.schema";

/** The first delivery runs at once (waitUntil); this alarm is the safety net if it does not finish. */
const FIRST_RETRY_MS = 3_000;
const MAX_RETRY_MS = 5 * 60_000;
/** A notice that still fails after this long is dropped (logged): the recipient's inbox is gone for good. */
const GIVE_UP_AFTER_MS = 24 * 60 * 60_000;
/** Rows read per delivery run; more are left for the next. */
const BATCH = 500;
/** Inboxes called at once. */
const INBOXES_AT_ONCE = 6;
/** An @room notifies at most this many people. */
export const ROOM_MENTION_MAX = 500;
const EXCERPT_MAX = 140;

type Row = { id: number; user_id: string; notice: string; attempts: number; queued_at: number };

export class NotifyOutbox {
  readonly #ctx: DurableObjectState;
  readonly #env: Env;
  readonly #logger: Logger;
  #running: Promise<void> | null = null;
  #again = false;

  constructor(ctx: DurableObjectState, env: Env) {
    this.#ctx = ctx;
    this.#env = env;
    this.#logger = createLogger({
      level: isLogLevel(env.LOG_LEVEL) ? env.LOG_LEVEL : "info",
      fields: { component: "notify-outbox" },
    });
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS notify_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL,
         notice TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
         queued_at INTEGER NOT NULL)`,
    );
  }

  /** Writes the notices (synchronously, with the message) and makes sure an alarm will retry them. */
  queue(notices: readonly InboxNotice[]): void {
    if (notices.length === 0) return;
    const now = Date.now();
    for (const notice of notices) {
      this.#ctx.storage.sql.exec(
        "INSERT INTO notify_outbox (user_id, notice, next_at, queued_at) VALUES (?, ?, ?, ?)",
        notice.to,
        JSON.stringify(notice),
        now,
        now,
      );
    }
    this.#schedule(now + FIRST_RETRY_MS);
  }

  /** Rows waiting (tests, metrics). */
  pending(): number {
    return this.#ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM notify_outbox").one().n;
  }

  /**
   * Delivers what is due, grouped by recipient; never throws. One run at a time: a call during a run joins it,
   * and the run goes round once more for rows queued meanwhile (a burst of messages costs a few runs, not one each).
   */
  deliver(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#deliverDue().catch((error: unknown) => {
            this.#logger.warn("notify outbox delivery failed", { error: String(error) });
          });
        } while (this.#again);
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  async #deliverDue(): Promise<void> {
    const sql = this.#ctx.storage.sql;
    const now = Date.now();
    const rows = sql
      .exec<Row>(
        "SELECT id, user_id, notice, attempts, queued_at FROM notify_outbox WHERE next_at <= ? ORDER BY id LIMIT ?",
        now,
        BATCH,
      )
      .toArray();
    const byUser = new Map<string, Row[]>();
    for (const row of rows) {
      const list = byUser.get(row.user_id);
      if (list) list.push(row);
      else byUser.set(row.user_id, [row]);
    }
    const users = [...byUser.entries()];
    let next = 0;
    const worker = async () => {
      while (next < users.length) {
        const [userId, list] = users[next++] as [string, Row[]];
        await this.#deliverTo(userId, list);
      }
    };
    await Promise.all(Array.from({ length: Math.min(INBOXES_AT_ONCE, users.length) }, worker));
    const due = sql.exec<{ at: number | null }>("SELECT min(next_at) AS at FROM notify_outbox").one().at;
    if (due !== null) this.#schedule(Math.max(due, Date.now() + 100));
  }

  async #deliverTo(userId: string, rows: readonly Row[]): Promise<void> {
    const sql = this.#ctx.storage.sql;
    const ids = rows.map((r) => r.id);
    try {
      const inbox = this.#env.INBOX.get(this.#env.INBOX.idFromName(userId));
      await inbox.add(rows.map((r) => JSON.parse(r.notice) as InboxNotice));
      for (const id of ids) sql.exec("DELETE FROM notify_outbox WHERE id = ?", id);
    } catch (error) {
      const now = Date.now();
      for (const row of rows) {
        if (now - row.queued_at > GIVE_UP_AFTER_MS) {
          sql.exec("DELETE FROM notify_outbox WHERE id = ?", row.id);
          this.#logger.warn("notification dropped after a day of failures", { userId });
          continue;
        }
        const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** row.attempts);
        sql.exec("UPDATE notify_outbox SET attempts = attempts + 1, next_at = ? WHERE id = ?", now + delay, row.id);
      }
      this.#logger.warn("inbox delivery failed; will retry", { userId, error: String(error) });
    }
  }

  /** Sets the alarm to `at` unless one is already due sooner. */
  #schedule(at: number): void {
    const storage = this.#ctx.storage;
    const set = async () => {
      const current = await storage.getAlarm();
      if (current === null || current > at) await storage.setAlarm(at);
    };
    set().catch((error: unknown) => {
      this.#logger.warn("notify outbox alarm not set", { error: String(error) });
    });
  }
}

/**
 * Who a new message notifies, one notice per person: a mention wins over a reply, a reply over an @room. Mentioned
 * members come from the message (resolved by the room); an @room reaches everyone in `people` but the sender
 * (at most ROOM_MENTION_MAX); a thread reply reaches its participants (the root's author and earlier repliers)
 * who are still in `people`. The sender is never notified; a deleted message notifies nobody.
 */
export function noticesFor(args: {
  message: ChatMessage;
  room: string;
  people: RoomPeople;
  threadParticipants: Member[];
}): InboxNotice[] {
  const { message, room, people, threadParticipants } = args;
  if (message.deletedAt !== null || message.text === "") return [];
  const sender = message.userId;
  const kinds = new Map<string, InboxNotice["kind"]>();
  const offer = (userId: string, kind: InboxNotice["kind"]) => {
    if (userId !== sender && !kinds.has(userId)) kinds.set(userId, kind);
  };
  for (const member of message.mentions) if (people.has(member.userId)) offer(member.userId, "mention");
  if (message.threadRootId !== null) {
    for (const member of threadParticipants) if (people.has(member.userId)) offer(member.userId, "reply");
  }
  if (message.mentionsRoom) {
    for (const member of people.everyone(sender, ROOM_MENTION_MAX)) offer(member.userId, "room-mention");
  }
  if (kinds.size === 0) return [];
  const base = {
    room,
    messageId: message.id,
    threadRootId: message.threadRootId,
    from: { userId: message.userId, displayName: message.displayName },
    excerpt: excerptOf(message.text),
    createdAt: message.createdAt,
  };
  return [...kinds].map(([to, kind]) => ({ ...base, to, kind }));
}

/** The first EXCERPT_MAX characters (code points) of the text, whitespace collapsed. */
export function excerptOf(text: string): string {
  const chars = [...text.replace(/\s+/g, " ").trim()];
  return chars.length <= EXCERPT_MAX ? chars.join("") : `${chars.slice(0, EXCERPT_MAX - 1).join("")}…`;
}
