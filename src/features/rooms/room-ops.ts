// What a client's frames do to the room's log: a message (a thread reply, with attachments), an edit, a delete,
// a reaction, and a resume. Each change is stored before it is broadcast, in log order (BroadcastQueue). All but
// a message with attachments are synchronous; that one waits for a D1 read, and chat-room.ts holds later frames
// until it is done so frames are applied strictly in arrival order.
import { linkPreview, linksIn } from "../previews";
import type { BroadcastQueue } from "./broadcast-queue";
import type { MessageAllowance } from "./message-allowance";
import { lookUpAttachments } from "./message-attachments";
import type { Refusal, RoomHistory } from "./room-history";
import { type Attachment, attachmentOf, saveAttachment, sendFrame } from "./room-sockets";
import {
  type ChatMessage,
  type ClientFrame,
  type Member,
  type MessageAttachment,
  RESUME_MAX,
  type RoomEvent,
  type ServerFrame,
} from "./rooms.schema";

type Frame<T extends ClientFrame["type"]> = Extract<ClientFrame, { type: T }>;
/** Who a frame's answer goes to, and how the refusal is correlated (`clientMessageId` or `opId`). */
type Ref = { clientMessageId?: string } | { opId?: string };

/** The room around the log: what the handlers need from chat-room.ts. */
export interface RoomOpsHost {
  history: RoomHistory;
  broadcasts: BroadcastQueue;
  allowance: MessageAllowance;
  env: Env;
  retention: number;
  waitUntil(promise: Promise<unknown>): void;
  broadcast(frame: ServerFrame): void;
  /** Mentions in a new message's text (only room people; unknown names stay text). */
  resolveMentions(text: string, sender: Member): { mentions: Member[]; mentionsRoom: boolean };
  /** After a message is stored: queue its notifications (same step) and deliver them later. */
  notify(message: ChatMessage, root: ChatMessage | null): void;
}

const REASONS: Record<Refusal["error"], string> = {
  forbidden: "You may not change this message",
  "not-found": "No such message: it does not exist, was deleted, or is too old",
  "too-many-reactions": "This message has as many different reactions as it may",
};

/** How long a refused message holds back its socket's later ones at most. */
const HOLD_MS = 10_000;

const withRef = (ref: Ref) => Object.fromEntries(Object.entries(ref).filter(([, v]) => v !== undefined));

export class RoomOps {
  readonly #host: RoomOpsHost;
  /** The log id up to which retention was last checked (checked again each time a message crosses a 100). */
  #retentionCheckedAt = 0;

  constructor(host: RoomOpsHost) {
    this.#host = host;
  }

  message(ws: WebSocket, attachment: Attachment, frame: Frame<"message">): void | Promise<void> {
    const ref = { clientMessageId: frame.clientMessageId };
    if (!this.#inOrder(ws, attachment, frame.clientMessageId)) return;
    const retryAfterMs = this.#take(ws, attachmentOf(ws) ?? attachment, ref);
    if (retryAfterMs !== null) {
      if (frame.clientMessageId) this.#hold(ws, frame.clientMessageId, retryAfterMs);
      return;
    }
    if (frame.threadRootId !== undefined && !this.#host.history.rootFor(frame.threadRootId)) {
      return this.#refuse(ws, ref, { error: "not-found" });
    }
    const fileIds = frame.attachments ?? [];
    if (fileIds.length === 0) return this.#store(ws, attachment.member, frame, []);
    return lookUpAttachments(this.#host.env.DB, attachment.member.userId, fileIds).then(
      (files) => {
        if (files) return this.#store(ws, attachment.member, frame, files);
        sendFrame(ws, {
          type: "error",
          code: "attachment-not-found",
          reason: "An attachment is not one of your stored files",
          ...withRef(ref),
        });
      },
      () => this.#notStored(ws, ref),
    );
  }

  edit(ws: WebSocket, attachment: Attachment, frame: Frame<"edit">): void {
    const ref = { opId: frame.opId };
    if (!this.#allow(ws, attachment, ref)) return;
    const event = this.#change(ws, ref, () =>
      this.#host.history.edit(frame.messageId, attachment.member, frame.text, Date.now()),
    );
    if (event?.kind === "edit" && linksIn(event.text).length > 0) {
      this.#host.waitUntil(this.#deliverPreviews(event.messageId, event.text));
    }
  }

  delete(ws: WebSocket, attachment: Attachment, frame: Frame<"delete">): void {
    const ref = { opId: frame.opId };
    if (!this.#allow(ws, attachment, ref)) return;
    const moderator = attachment.moderator === true;
    this.#change(ws, ref, () => this.#host.history.delete(frame.messageId, attachment.member, moderator, Date.now()));
  }

  react(ws: WebSocket, attachment: Attachment, frame: Frame<"react">): void {
    const ref = { opId: frame.opId };
    if (!this.#allow(ws, attachment, ref)) return;
    const { messageId, emoji, add } = frame;
    this.#change(ws, ref, () => this.#host.history.react(messageId, attachment.member, emoji, add, Date.now()));
  }

  /**
   * Replays what the socket missed since `lastId`: every message after it as it is now, and the events after it
   * about older messages, in id order. What waits for its broadcast goes to the others first and to this socket
   * in the replay, so replay and live stream never overlap.
   */
  resume(ws: WebSocket, attachment: Attachment, lastId: number): void {
    const history = this.#host.history;
    this.#host.broadcasts.flush(ws);
    const first = history.firstId();
    const missed = history.replay(lastId, attachment.member.userId, RESUME_MAX + 1);
    if (missed.length > RESUME_MAX || (first > 0 && lastId < first - 1)) {
      sendFrame(ws, {
        type: "error",
        code: "resume-too-far",
        reason: "Too much was missed; load the history over HTTP",
      });
      return;
    }
    for (const entry of missed) {
      sendFrame(
        ws,
        "message" in entry ? { type: "message", message: entry.message } : { type: "event", event: entry.event },
      );
    }
    sendFrame(ws, { type: "resumed", lastId: Math.max(lastId, history.lastId()), count: missed.length });
  }

  #store(ws: WebSocket, member: Member, frame: Frame<"message">, files: MessageAttachment[]): void {
    const ref = { clientMessageId: frame.clientMessageId };
    const history = this.#host.history;
    const root = frame.threadRootId === undefined ? null : history.rootFor(frame.threadRootId);
    // Deleted while the attachments were looked up (the frames before this one ran first).
    if (frame.threadRootId !== undefined && !root) {
      this.#refuse(ws, ref, { error: "not-found" });
      return;
    }
    let stored: { message: ChatMessage; duplicate: boolean };
    try {
      const mentions = this.#host.resolveMentions(frame.text, member);
      stored = history.insert(
        {
          ...member,
          text: frame.text,
          clientMessageId: frame.clientMessageId,
          now: Date.now(),
          attachments: files,
          ...mentions,
        },
        root,
      );
    } catch {
      // Not stored means not sent: nobody may see a message that a restart would lose.
      this.#notStored(ws, ref);
      return;
    }
    const { message, duplicate } = stored;
    if (frame.clientMessageId)
      sendFrame(ws, { type: "ack", clientMessageId: frame.clientMessageId, id: message.id, duplicate });
    if (duplicate) return;
    this.#host.broadcasts.queue(message);
    this.#host.notify(message, root);
    if (linksIn(message.text).length > 0) this.#host.waitUntil(this.#deliverPreviews(message.id, message.text));
    if (Math.floor(message.id / 100) > Math.floor(this.#retentionCheckedAt / 100)) {
      this.#retentionCheckedAt = message.id;
      history.enforceRetention(this.#host.retention);
    }
  }

  /** Applies an edit, delete or reaction: `done` to the sender and the event to everyone, or the refusal. */
  #change(ws: WebSocket, ref: { opId?: string }, apply: () => RoomEvent | Refusal | null): RoomEvent | null {
    let result: RoomEvent | Refusal | null;
    try {
      result = apply();
    } catch {
      this.#notStored(ws, ref);
      return null;
    }
    if (result && "error" in result) {
      this.#refuse(ws, ref, result);
      return null;
    }
    if (ref.opId) sendFrame(ws, { type: "done", opId: ref.opId, id: result?.id ?? 0 });
    if (result) this.#host.broadcasts.queueEvent(result);
    return result;
  }

  /** Spends one of the user's allowance (messages, edits, deletes and reactions alike) or refuses the frame. */
  #allow(ws: WebSocket, attachment: Attachment, ref: Ref): boolean {
    return this.#take(ws, attachment, ref) === null;
  }

  /** null when allowed; else the refusal was sent and this is its retryAfterMs. */
  #take(ws: WebSocket, attachment: Attachment, ref: Ref): number | null {
    const decision = this.#host.allowance.take(attachment.member.userId, Date.now());
    if (!decision.allowed) {
      this.#rateLimited(ws, ref, decision.retryAfterMs);
      return decision.retryAfterMs;
    }
    saveAttachment(ws, { ...attachment, bucket: decision.nextState });
    return null;
  }

  #rateLimited(ws: WebSocket, ref: Ref, retryAfterMs: number): void {
    sendFrame(ws, {
      type: "error",
      code: "rate-limited",
      reason: "You are sending messages too fast",
      retryAfterMs,
      ...withRef(ref),
    });
  }

  /**
   * Keeps a sender's order: after a refusal for the rate, the socket's later messages are refused as well until
   * the refused one comes again (or HOLD_MS passes: a client that gave up on it is not held for ever).
   */
  #inOrder(ws: WebSocket, attachment: Attachment, clientMessageId: string | undefined): boolean {
    const held = attachment.heldFor;
    if (!held) return true;
    const now = Date.now();
    if (clientMessageId !== held.clientMessageId && now < held.until) {
      this.#rateLimited(ws, { clientMessageId }, Math.max(0, held.retryAt - now));
      return false;
    }
    saveAttachment(ws, { ...attachment, heldFor: undefined });
    return true;
  }

  #hold(ws: WebSocket, clientMessageId: string, retryAfterMs: number): void {
    const attachment = attachmentOf(ws);
    const now = Date.now();
    if (attachment)
      saveAttachment(ws, {
        ...attachment,
        heldFor: { clientMessageId, until: now + HOLD_MS, retryAt: now + retryAfterMs },
      });
  }

  #refuse(ws: WebSocket, ref: Ref, refusal: Refusal): void {
    sendFrame(ws, { type: "error", code: refusal.error, reason: REASONS[refusal.error], ...withRef(ref) });
  }

  #notStored(ws: WebSocket, ref: Ref): void {
    sendFrame(ws, {
      type: "error",
      code: "not-stored",
      reason: "The change could not be saved; send it again",
      ...withRef(ref),
    });
  }

  /** Previews of a message's links (cached in KV), sent to everyone in the room once known. */
  async #deliverPreviews(messageId: number, text: string): Promise<void> {
    for (const url of linksIn(text, 2)) {
      const preview = await linkPreview(this.#host.env, url).catch(() => null);
      // The message itself reaches everyone before its preview.
      this.#host.broadcasts.flush();
      this.#host.broadcast({ type: "preview", messageId, url, preview });
    }
  }
}
