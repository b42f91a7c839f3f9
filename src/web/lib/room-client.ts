// A reconnecting room client: resume from the last log id seen (messages and events), every message and event
// delivered once in log order, an outbox that delivers messages, edits, deletes and reactions in the sender's order
// (one at a time, within the room's allowance; a refused one goes again before anything later), throttled typing,
// and an honest connection state for the UI. The socket itself (backoff, heartbeat, close codes) is in
// room-connection.ts; the outbox in room-outbox.ts.
import { type ChatMessage, MESSAGE_POLICY, type RoomEvent } from "../../features/rooms/rooms.schema";
import type { RoomClientOptions } from "./room-client-types";
import { createConnection, type IncomingFrame } from "./room-connection";
import { createOutbox } from "./room-outbox";

export type {
  ConnectionState,
  OutboxEntry,
  OutboxHold,
  OutboxStatus,
  PendingOp,
  RoomClientEvents,
  RoomClientOptions,
  SocketLike,
} from "./room-client-types";

/**
 * @example
 * const room = createRoomClient({ url: () => `wss://host/api/rooms/general/ws`, on: { message: show } });
 * room.send("hello");
 */
export function createRoomClient(options: RoomClientOptions) {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const timers = options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as number) };
  const typingEveryMs = options.typingEveryMs ?? 2_500;

  /** The newest log id delivered (a message or an event). */
  let lastId = 0;
  let me: string | null = null;
  /** A reconnect's welcome history, held back while what was missed before it is replayed. */
  let resumeBuffer: ChatMessage[] | null = null;
  /**
   * Messages and events that arrive between a reconnect's welcome and its `resumed` (live ones first, then the
   * replay): applied together in log order once the replay is complete, so `lastId` never passes a gap (a drop
   * mid-replay resumes from where this client really is) and a live event never lands before an older one.
   */
  let replay: Array<{ message: ChatMessage } | { event: RoomEvent }> = [];
  /** Log ids delivered (messages and events share one sequence): each is delivered once. */
  const seen = new Set<number>();
  let counter = 0;
  let lastTypingAt = Number.NEGATIVE_INFINITY;

  const outbox = createOutbox({
    transmit: (frame) => connection.send(frame),
    timers,
    now,
    allowance: options.allowance === undefined ? MESSAGE_POLICY : options.allowance,
    ackTimeoutMs: options.ackTimeoutMs ?? 10_000,
    seen: (id) => seen.has(id),
    outbox: (entries, hold) => options.on.outbox?.(entries, hold),
    ops: (ops) => options.on.ops?.(ops),
    refused: (clientMessageId, reason, code, opId) => options.on.refused?.(clientMessageId, reason, code, opId),
  });

  const deliver = (message: ChatMessage) => {
    if (seen.has(message.id)) return;
    seen.add(message.id);
    lastId = Math.max(lastId, message.id);
    options.on.message?.(message);
    // This client's own message, back from the room: it is no longer pending (also when its ack was lost).
    outbox.delivered(message, me);
  };

  const deliverEvent = (event: RoomEvent) => {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    lastId = Math.max(lastId, event.id);
    options.on.event?.(event);
    outbox.eventSeen(event.id);
  };

  /**
   * Ends a resume. The room replays messages after `lastId` as they are now, and the events about messages at or
   * before it; live frames that came before the replay are already part of those copies. So: the last copy of each
   * message, and the events about messages this client had, in id order; then the welcome's history (held back;
   * what was delivered is skipped).
   */
  const endResume = () => {
    const point = lastId;
    const copies = new Map<number, ChatMessage>();
    const events = new Map<number, RoomEvent>();
    for (const item of replay) {
      if ("message" in item) copies.set(item.message.id, item.message);
      else if (item.event.messageId <= point) events.set(item.event.id, item.event);
    }
    replay = [];
    const ordered = [
      ...[...copies.values()].map((message) => ({ id: message.id, apply: () => deliver(message) })),
      ...[...events.values()].map((event) => ({ id: event.id, apply: () => deliverEvent(event) })),
    ].sort((a, b) => a.id - b.id);
    for (const entry of ordered) entry.apply();
    const buffered = resumeBuffer ?? [];
    resumeBuffer = null;
    for (const message of buffered) deliver(message);
    options.on.synced?.();
  };

  const welcome = (frame: Extract<IncomingFrame, { type: "welcome" }>) => {
    me = frame.you.userId;
    connection.welcomed();
    options.on.welcome?.(frame.you, frame.roster);
    // The history is the main timeline only, and events share the log's ids: whenever the room moved on since
    // what this client saw, everything after it is replayed (messages as they are now, and events).
    if (lastId > 0 && frame.lastId > lastId) {
      resumeBuffer = [...frame.history];
      connection.send({ type: "resume", lastId });
    } else {
      for (const message of frame.history) deliver(message);
      options.on.synced?.();
    }
    outbox.connected();
  };

  const handle = (frame: IncomingFrame) => {
    const resuming = resumeBuffer !== null;
    switch (frame.type) {
      case "welcome":
        welcome(frame);
        break;
      case "message":
        if (resuming) replay.push({ message: frame.message });
        else deliver(frame.message);
        break;
      case "messages":
        for (const message of frame.messages) {
          if (resuming) replay.push({ message });
          else deliver(message);
        }
        break;
      case "event":
        if (resuming) replay.push({ event: frame.event });
        else deliverEvent(frame.event);
        break;
      case "resumed":
        if (resumeBuffer) endResume();
        break;
      case "ack":
        outbox.ack(frame.clientMessageId, frame.id);
        break;
      case "done":
        outbox.done(frame.opId, frame.id);
        break;
      case "presence":
        options.on.presence?.(frame.roster);
        break;
      case "typing":
        options.on.typing?.(frame.member);
        break;
      case "membership":
        options.on.membership?.(frame.event, frame.userId);
        break;
      case "preview":
        options.on.preview?.(frame.messageId, frame.url, frame.preview);
        break;
      case "error":
        if (frame.code === "resume-too-far") {
          // Messages this client had shown are not contiguous with the newest any more.
          outbox.forgetSent();
          options.on.gap?.();
          if (resumeBuffer) endResume();
        } else if (!outbox.error(frame)) options.on.refused?.(frame.clientMessageId, frame.reason, frame.code);
        break;
      default:
        break;
    }
  };

  const connection = createConnection(options, {
    frame: handle,
    closed: () => {
      // Whatever was on its way may or may not have been stored: it goes again (deduplicated) after the welcome.
      // A replay cut short is dropped whole: the next resume starts from what this client really has.
      resumeBuffer = null;
      replay = [];
      outbox.disconnected();
    },
    removed: () => {
      outbox.clear();
      options.on.removed?.();
    },
    sessionEnded: () => options.on.sessionEnded?.(),
  });

  const nextKey = () => {
    counter++;
    return `${now().toString(36)}${counter.toString(36)}${Math.floor(random() * 1e9).toString(36)}`;
  };

  return {
    get state() {
      return connection.state;
    },
    /** The newest log id delivered (messages and events). */
    get lastId() {
      return lastId;
    },
    /**
     * Queues a message (a thread reply with `threadRootId`; files of the user's own with `attachments`). It goes
     * after everything written before it, at once if nothing is on its way, and again after every reconnect until
     * the room takes it. Answers its clientMessageId.
     */
    send(text: string, extra: { threadRootId?: number; attachments?: string[] } = {}): string {
      const key = nextKey();
      // The next keystroke starts a new message: announce it at once.
      lastTypingAt = Number.NEGATIVE_INFINITY;
      outbox.add({ kind: "message", key, text, ...extra });
      return key;
    },
    /** Replaces the text of this user's message `messageId` (in order with messages and other ops). Answers its opId. */
    edit(messageId: number, text: string): string {
      const key = nextKey();
      outbox.add({ kind: "edit", key, messageId, text });
      return key;
    },
    /** Deletes message `messageId` (the author's, or as a moderator). Answers its opId. */
    remove(messageId: number): string {
      const key = nextKey();
      outbox.add({ kind: "delete", key, messageId });
      return key;
    },
    /** Adds (`add`) or removes this user's reaction `emoji` on message `messageId`. Answers its opId. */
    react(messageId: number, emoji: string, add: boolean): string {
      const key = nextKey();
      outbox.add({ kind: "react", key, messageId, emoji, add });
      return key;
    },
    /** Sends everything not yet taken again, in order (the user pressed Retry); reconnects first if need be. */
    retry() {
      outbox.retry();
      if (!connection.isOpen()) connection.reconnectNow();
    },
    /** Drops a message (clientMessageId) or op (opId) that was not taken (the user pressed Discard). */
    discard(key: string) {
      outbox.discard(key);
    },
    /**
     * The user typed: the others are told at once, then at most every `typingEveryMs` while the typing goes on
     * (a steady beat their indicator can rely on), whatever the keystroke rate.
     */
    typing() {
      const at = now();
      if (at - lastTypingAt < typingEveryMs) return;
      if (!connection.isOpen()) return;
      lastTypingAt = at;
      connection.send({ type: "typing" });
    },
    /** Messages and ops not yet taken by the room (failed ones included). */
    pending(): number {
      return outbox.pending();
    },
    /** The network went away (the browser's `offline` event): drop the socket now rather than wait for it to time out. */
    drop() {
      connection.drop();
    },
    /** The network is back (`online`): skip the remaining backoff and connect at once. */
    reconnectNow() {
      connection.reconnectNow();
    },
    /** After `sessionEnded`, when the browser still has a valid session: connect again, outbox and all. */
    resume() {
      connection.resume();
    },
    close() {
      outbox.stop();
      connection.close();
    },
  };
}

export type RoomClient = ReturnType<typeof createRoomClient>;
