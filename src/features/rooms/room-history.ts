// The room's one ordered log: messages and events (edits, deletes, reaction changes) share one id sequence, so a
// client that applies them in id order converges to the history here. The next id is one more than the largest
// ever handed out, kept in memory (and a floor in `meta` so retention can never make an id come back).
// Writes per operation: a message 2 rows (its row and its client-id index entry); a thread reply 4 (also its
// replies-index entry and its root's summary); an edit 2 (the message and the event); a delete 2 plus one per
// reaction it removes; a reaction 2 (its reactions row, added or deleted, and the event); a no-op reaction 0.
import { EventStore } from "./event-store";
import { MessageStore, type NewMessage } from "./message-store";
import { ReactionStore } from "./reaction-store";
import {
  type ChatMessage,
  MAX_EMOJI_PER_MESSAGE,
  type Member,
  type MessageAttachment,
  REPLIERS_SHOWN,
  type RoomErrorCode,
  type RoomEvent,
} from "./rooms.schema";

export type Refusal = { error: Extract<RoomErrorCode, "forbidden" | "not-found" | "too-many-reactions"> };
/** A log entry as a client receives it. */
export type LogEntry = { message: ChatMessage } | { event: RoomEvent };

export class RoomHistory {
  readonly messages: MessageStore;
  readonly events: EventStore;
  readonly reactions: ReactionStore;
  readonly #sql: SqlStorage;
  readonly #storage: Pick<DurableObjectStorage, "sql" | "transactionSync">;
  #nextId: number;

  constructor(storage: Pick<DurableObjectStorage, "sql" | "transactionSync">) {
    this.#sql = storage.sql;
    this.#storage = storage;
    this.messages = new MessageStore(storage);
    this.events = new EventStore(storage.sql);
    this.reactions = new ReactionStore(storage.sql);
    storage.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    const floor = storage.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'log_floor'")
      .toArray()[0]?.value;
    this.#nextId = Math.max(this.messages.lastId(), this.events.lastId(), Number(floor ?? 0)) + 1;
  }

  /** The newest log id (0 when nothing was ever logged). */
  lastId(): number {
    return this.#nextId - 1;
  }

  /** The oldest message id still kept (0 when none). */
  firstId(): number {
    return this.messages.firstId();
  }

  /** Messages after `lastId` (replies included), oldest first, without their reactions. */
  after(lastId: number, limit: number): ChatMessage[] {
    return this.messages.after(lastId, limit);
  }

  /** Messages containing any of `terms`, deleted ones never (the assistant's and the search's tool). */
  search(terms: readonly string[], limit: number): ChatMessage[] {
    return this.withReactions(this.messages.search(terms, limit), null);
  }

  /** The file a message carries while it exists and is not deleted (the attachment route's grant), else null. */
  attachment(messageId: number, fileId: string): MessageAttachment | null {
    const message = this.messages.get(messageId);
    if (!message || message.deletedAt !== null) return null;
    return message.attachments.find((a) => a.fileId === fileId) ?? null;
  }

  /**
   * The room's counts for one reader: `unread` the main-timeline messages after their cursor that others sent,
   * `mentions` those of them that mention the reader or @room (both 0 for a reader who never visited).
   */
  stats(reader?: { userId: string; lastReadId: number | null }) {
    const at = this.messages.lastMessageAt();
    const lastId = this.lastId();
    const cursor = reader?.lastReadId ?? null;
    const counted = reader !== undefined && cursor !== null && cursor < lastId;
    return {
      messageCount: this.messages.lastId(),
      lastMessageAt: at === null ? null : new Date(at).toISOString(),
      lastId,
      unread: counted ? this.messages.unreadSince(cursor, reader.userId) : 0,
      mentions: counted ? this.messages.mentionsSince(cursor, reader.userId) : 0,
    };
  }

  /** A message's root for a reply (a reply to a reply is filed under the root), or null when there is none. */
  rootFor(threadRootId: number): ChatMessage | null {
    const target = this.messages.get(threadRootId);
    const root = target?.threadRootId ? this.messages.get(target.threadRootId) : target;
    return root && root.deletedAt === null ? root : null;
  }

  /** Stores a message (idempotent by client id) with the next log id; a reply also counts on its root. */
  insert(input: Omit<NewMessage, "id">, root: ChatMessage | null = null): { message: ChatMessage; duplicate: boolean } {
    const id = this.#nextId;
    if (!root) {
      const stored = this.messages.insert({ ...input, id, threadRootId: null });
      if (!stored.duplicate) this.#nextId = id + 1;
      return stored;
    }
    const stored = this.#storage.transactionSync(() => {
      const stored = this.messages.insert({ ...input, id, threadRootId: root.id });
      if (!stored.duplicate && (root.lastReplyId === null || id > root.lastReplyId)) {
        const replier = { userId: input.userId, displayName: input.displayName };
        const repliers = [replier, ...root.repliers.filter((r) => r.userId !== replier.userId)];
        this.messages.noteReply(root, stored.message, repliers.slice(0, REPLIERS_SHOWN));
      }
      return stored;
    });
    if (!stored.duplicate) this.#nextId = id + 1;
    return stored;
  }

  /** Only the author edits a message that is not deleted. */
  edit(messageId: number, by: Member, text: string, now: number): RoomEvent | Refusal {
    const message = this.messages.get(messageId);
    if (!message || message.deletedAt !== null) return { error: "not-found" };
    if (message.userId !== by.userId) return { error: "forbidden" };
    const event: RoomEvent = { kind: "edit", id: this.#nextId, messageId, text, editedAt: new Date(now).toISOString() };
    this.#storage.transactionSync(() => {
      this.messages.edit(messageId, text, now);
      this.events.append(event, by, now);
    });
    this.#nextId++;
    return event;
  }

  /** The author, or a moderator (an admin, a private room's owner), deletes; deleting twice is `not-found`. */
  delete(messageId: number, by: Member, moderator: boolean, now: number): RoomEvent | Refusal {
    const message = this.messages.get(messageId);
    if (!message || message.deletedAt !== null) return { error: "not-found" };
    if (message.userId !== by.userId && !moderator) return { error: "forbidden" };
    const deletedAt = new Date(now).toISOString();
    const event: RoomEvent = { kind: "delete", id: this.#nextId, messageId, deletedAt, by: by.userId };
    this.#storage.transactionSync(() => {
      this.messages.delete(messageId, now);
      this.reactions.deleteFor(messageId);
      this.events.append(event, by, now);
    });
    this.#nextId++;
    return event;
  }

  /** Adds or removes `by`'s reaction; null when it changes nothing (already there, or not there to remove). */
  react(messageId: number, by: Member, emoji: string, add: boolean, now: number): RoomEvent | Refusal | null {
    const message = this.messages.get(messageId);
    if (!message || message.deletedAt !== null) return { error: "not-found" };
    const state = this.reactions.state(messageId, emoji, by.userId);
    if (state.mine === add) return null;
    if (add && state.since === null && state.emoji >= MAX_EMOJI_PER_MESSAGE) return { error: "too-many-reactions" };
    const id = this.#nextId;
    const event = this.#storage.transactionSync((): RoomEvent => {
      if (add) this.reactions.add(messageId, emoji, by, id, state.since ?? id);
      else this.reactions.remove(messageId, emoji, by.userId);
      const count = this.reactions.count(messageId, emoji);
      const event: RoomEvent = { kind: "reaction", id, messageId, emoji, member: by, added: add, count };
      this.events.append(event, by, now);
      return event;
    });
    this.#nextId++;
    return event;
  }

  /**
   * What a client that has seen everything up to `lastId` missed, in id order: every message after it as it is
   * now (for `reader`), and the events after it about messages it already has. At most `limit` (+1 tells more).
   */
  replay(lastId: number, reader: string, limit: number): LogEntry[] {
    const messages = this.withReactions(this.messages.after(lastId, limit), reader);
    const events = this.events.replay(lastId, limit);
    const entries: LogEntry[] = [];
    let m = 0;
    let e = 0;
    while (entries.length < limit && (m < messages.length || e < events.length)) {
      const message = messages[m];
      const event = events[e];
      if (message && (!event || message.id < event.id)) {
        entries.push({ message });
        m++;
      } else if (event) {
        entries.push({ event });
        e++;
      }
    }
    return entries;
  }

  /** A page of the main timeline before `before`, for `reader`. */
  page(before: number | undefined, limit: number, reader: string | null) {
    const page = this.messages.page(before, limit);
    return { ...page, messages: this.withReactions(page.messages, reader) };
  }

  /**
   * The main-timeline page centred on `around` (a reply centres on its root): up to half the page newer, the
   * rest older. `nextBefore` pages back, `nextAfter` (the newest id here) forward when newer messages exist.
   */
  around(around: number, limit: number, reader: string | null) {
    const target = this.messages.get(around);
    const centre = target?.threadRootId ?? around;
    // Up to half the page newer; the rest (the centre included) older, more of it when little is newer.
    const newer = this.messages.newer(centre, Math.floor(limit / 2));
    const older = this.messages.page(centre + 1, limit - newer.messages.length);
    const messages = [...older.messages, ...newer.messages];
    return {
      messages: this.withReactions(messages, reader),
      nextBefore: older.nextBefore,
      nextAfter: newer.more ? (messages.at(-1)?.id ?? null) : null,
    };
  }

  /** A thread: its root as it is now and a page of its replies (null when there is no such root). */
  thread(rootId: number, after: number, limit: number, reader: string | null) {
    const target = this.messages.get(rootId);
    const root = target?.threadRootId ? this.messages.get(target.threadRootId) : target;
    if (!root) return null;
    const page = this.messages.replies(root.id, after, limit);
    const all = this.withReactions([root, ...page.replies], reader);
    return { root: all[0] as ChatMessage, replies: all.slice(1), nextAfter: page.nextAfter };
  }

  /** Adds each message's reactions as `reader` sees them. */
  withReactions(messages: ChatMessage[], reader: string | null): ChatMessage[] {
    const reactions = this.reactions.of(
      messages.filter((m) => m.deletedAt === null).map((m) => m.id),
      reader,
    );
    return messages.map((m) => ({ ...m, reactions: reactions.get(m.id) ?? [] }));
  }

  /**
   * Keeps the newest `keep` messages with their events and reactions. The log's newest id is recorded first, so
   * ids never come back even when the newest entries were events about the messages deleted here.
   */
  enforceRetention(keep: number): number {
    const cutoff = this.messages.retentionCutoff(keep);
    if (cutoff <= 0) return 0;
    this.#sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('log_floor', ?)", String(this.lastId()));
    this.events.deleteUpTo(cutoff);
    this.reactions.deleteUpTo(cutoff);
    return this.messages.deleteUpTo(cutoff);
  }
}
