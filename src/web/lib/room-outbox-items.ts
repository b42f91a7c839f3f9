// What the outbox holds and how it shows: the frame each item sends, and the entry the page sees.
import type { RoomErrorCode } from "../../features/rooms/rooms.schema";
import type { OutboxEntry, OutboxStatus, PendingOp } from "./room-client-types";

/** What goes out: a message (keyed by its clientMessageId) or an op (keyed by its opId). */
export type Work =
  | { kind: "message"; key: string; text: string; threadRootId?: number; attachments?: string[] }
  | { kind: "edit"; key: string; messageId: number; text: string }
  | { kind: "delete"; key: string; messageId: number }
  | { kind: "react"; key: string; messageId: number; emoji: string; add: boolean };

/** One message or op in the outbox. */
export interface Item {
  work: Work;
  status: OutboxStatus;
  id?: number;
  error?: RoomErrorCode;
  /** Once sent: stops showing it if its broadcast never comes (it is stored; history has it). */
  forgetTimer: unknown;
}

/** The frame that sends `work`. */
export function frameOf(work: Work): object {
  switch (work.kind) {
    case "message":
      return {
        type: "message",
        clientMessageId: work.key,
        text: work.text,
        ...(work.threadRootId !== undefined ? { threadRootId: work.threadRootId } : {}),
        ...(work.attachments?.length ? { attachments: work.attachments } : {}),
      };
    case "edit":
      return { type: "edit", messageId: work.messageId, text: work.text, opId: work.key };
    case "delete":
      return { type: "delete", messageId: work.messageId, opId: work.key };
    case "react":
      return { type: "react", messageId: work.messageId, emoji: work.emoji, add: work.add, opId: work.key };
  }
}

/** What the page sees of an item: a message entry, or a pending op. */
export function entryOf(item: Item): OutboxEntry | PendingOp {
  const { work, status, id, error } = item;
  const extra = { ...(id !== undefined ? { id } : {}), ...(error !== undefined ? { error } : {}) };
  switch (work.kind) {
    case "message":
      return {
        clientMessageId: work.key,
        text: work.text,
        status,
        ...extra,
        ...(work.threadRootId !== undefined ? { threadRootId: work.threadRootId } : {}),
        ...(work.attachments?.length ? { attachments: work.attachments } : {}),
      };
    case "edit":
      return { kind: "edit", opId: work.key, messageId: work.messageId, text: work.text, status, ...extra };
    case "delete":
      return { kind: "delete", opId: work.key, messageId: work.messageId, status, ...extra };
    case "react": {
      const { messageId, emoji, add } = work;
      return { kind: "react", opId: work.key, messageId, emoji, add, status, ...extra };
    }
  }
}
