// The rows of a room's message list, worked out from the messages shown and this user's messages still on their
// way: author groups, day dividers, the "New messages" line, and each pending message's state in the sender's
// order ("waiting" behind a refused one, "sending", "failed"). Pure.
import type { ChatMessage } from "../../../features/rooms/rooms.schema";
import type { OutboxEntry } from "../../lib/room-client";

/** Consecutive messages by one author closer than this share one header. */
const GROUP_MS = 5 * 60_000;

/** What a message on its way says of itself: waiting its turn, on its way, acknowledged, or failed (retry). */
export type PendingState = "waiting" | "sending" | "sent" | "failed";

export type Row =
  | { kind: "message"; key: string; message: ChatMessage; first: boolean; day: boolean; unreadStart: boolean }
  | {
      kind: "pending";
      key: string;
      entry: OutboxEntry;
      state: PendingState;
      first: boolean;
      day: boolean;
      createdAt: string;
    };

interface Author {
  userId: string;
  displayName: string;
  createdAt: string;
}

/** When a message was written, and its day, worked out once per message (a list holds thousands). */
const times = new WeakMap<object, { ms: number; day: string }>();
function timeOf(author: Author): { ms: number; day: string } {
  const known = times.get(author);
  if (known) return known;
  const date = new Date(author.createdAt);
  const time = { ms: date.getTime(), day: date.toDateString() };
  times.set(author, time);
  return time;
}

/** Whether `next` continues `previous`'s group: same author, same day, within five minutes. */
function continues(previous: Author | undefined, next: Author): boolean {
  if (!previous || previous.userId !== next.userId) return false;
  const a = timeOf(previous);
  const b = timeOf(next);
  return b.ms - a.ms < GROUP_MS && a.day === b.day;
}

const newDay = (previous: Author | undefined, next: Author) => !previous || timeOf(previous).day !== timeOf(next).day;

/**
 * The state each pending message shows, in order: the client says `waiting` for one the room refused for now
 * (it goes again first), `sending` for one on its way or queued behind it, `failed` (Retry), `sent`.
 */
export function pendingStates(entries: OutboxEntry[]): PendingState[] {
  return entries.map((entry) => entry.status);
}

/** The list's rows: messages, then this user's messages still on their way, with grouping and dividers worked out. */
export function buildRows(
  messages: ChatMessage[],
  pending: OutboxEntry[],
  me: { userId: string; displayName: string } | null,
  firstUnreadId: number | null,
  pendingSince: Map<string, string>,
): Row[] {
  const rows: Row[] = [];
  let previous: Author | undefined;
  // The "New messages" line goes above the first unread message, if what is loaded reaches back that far. What I
  // wrote myself (on another device) is not news to me: it goes above the first message of someone else.
  const first = messages[0];
  let unreadMarked = first === undefined || firstUnreadId === null || first.id > firstUnreadId;
  for (const message of messages) {
    const mine = me !== null && message.userId === me.userId;
    const unreadStart = !unreadMarked && !mine && message.id >= (firstUnreadId ?? Number.POSITIVE_INFINITY);
    if (unreadStart) unreadMarked = true;
    rows.push({
      kind: "message",
      key: `m${message.id}`,
      message,
      first: unreadStart || !continues(previous, message),
      day: newDay(previous, message),
      unreadStart,
    });
    previous = message;
  }
  if (me) {
    const states = pendingStates(pending);
    pending.forEach((entry, i) => {
      const createdAt = pendingSince.get(entry.clientMessageId) ?? new Date().toISOString();
      const author = { ...me, createdAt };
      rows.push({
        kind: "pending",
        key: `p${entry.clientMessageId}`,
        entry,
        state: states[i] ?? "sending",
        first: !continues(previous, author),
        day: newDay(previous, author),
        createdAt,
      });
      previous = author;
    });
  }
  return rows;
}
