// A reconnecting room client: backoff with jitter, resume from the last id seen, an outbox retried until
// acknowledged, a heartbeat that notices dead connections, and an honest connection state for the UI.
import type { z } from "@hono/zod-openapi";
import {
  type ChatMessage,
  CLOSE_REMOVED_FROM_ROOM,
  IncomingFrameSchema,
  type Member,
  type RoomLinkPreview,
} from "../../features/rooms/rooms.schema";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";
type IncomingFrame = z.infer<typeof IncomingFrameSchema>;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The part of WebSocket this client uses, so tests can drive it without a network. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

interface RoomClientEvents {
  state?: (state: ConnectionState, detail: { attempt: number; retryInMs?: number }) => void;
  welcome?: (you: Member, roster: Member[]) => void;
  message?: (message: ChatMessage) => void;
  presence?: (roster: Member[]) => void;
  typing?: (member: Member) => void;
  /** A link preview for a message (null: the link has none, or the network did not allow one). */
  preview?: (messageId: number, url: string, preview: RoomLinkPreview | null) => void;
  refused?: (clientMessageId: string | undefined, reason: string) => void;
  /** Too much was missed while away: reload history over HTTP. */
  gap?: () => void;
  /** A private room's member list changed. */
  membership?: (event: "added" | "removed", userId: string) => void;
  /** The server closed with 4403: this user was removed from the (private) room. The client stops for good. */
  removed?: () => void;
}

interface RoomClientOptions {
  /** A function, so each attempt can fetch a fresh ticket or URL. */
  url: () => string | Promise<string>;
  on: RoomClientEvents;
  connect?: (url: string) => SocketLike;
  random?: () => number;
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
  baseDelayMs?: number;
  maxDelayMs?: number;
  heartbeatMs?: number;
  /** Whether the device has a network; while it has none, no attempt is made (`reconnectNow` resumes). */
  isOnline?: () => boolean;
}

interface Pending {
  clientMessageId: string;
  text: string;
}

const OPEN = 1;

/**
 * @example
 * const room = createRoomClient({ url: () => `wss://host/api/rooms/general/ws`, on: { message: show } });
 * room.send("hello");
 */
export function createRoomClient(options: RoomClientOptions) {
  const connectSocket = options.connect ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const random = options.random ?? Math.random;
  const timers = options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as number) };
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? 25_000;
  const isOnline = options.isOnline ?? (() => typeof navigator === "undefined" || navigator.onLine !== false);

  let socket: SocketLike | null = null;
  let state: ConnectionState = "connecting";
  let attempt = 0;
  let lastId = 0;
  let stopped = false;
  let reconnectTimer: unknown = null;
  let heartbeatTimer: unknown = null;
  let awaitingPong = false;
  const outbox = new Map<string, Pending>();
  const seen = new Set<number>();
  let counter = 0;
  let lastTypingAt = 0;

  const setState = (next: ConnectionState, retryInMs?: number) => {
    state = next;
    options.on.state?.(next, { attempt, retryInMs });
  };

  const transmit = (frame: object) => {
    if (socket && socket.readyState === OPEN) socket.send(JSON.stringify(frame));
  };

  const flushOutbox = () => {
    for (const pending of outbox.values()) transmit({ type: "message", ...pending });
  };

  const beat = () => {
    timers.clear(heartbeatTimer);
    heartbeatTimer = timers.set(() => {
      if (awaitingPong) {
        // No pong for a whole interval: the connection is dead even if the browser has not noticed.
        socket?.close(4000, "heartbeat timeout");
        return;
      }
      awaitingPong = true;
      socket?.send('{"type":"ping"}');
      beat();
    }, heartbeatMs);
  };

  const scheduleReconnect = () => {
    if (stopped) return;
    // Full jitter: spread reconnects so a restarted room is not hit by every client at once.
    const delay = Math.round(random() * Math.min(max, base * 2 ** attempt));
    attempt++;
    setState("reconnecting", delay);
    reconnectTimer = timers.set(() => {
      // Offline: wait for the `online` event (reconnectNow) instead of failing attempts.
      if (isOnline()) void open();
    }, delay);
  };

  const handle = (frame: IncomingFrame) => {
    awaitingPong = false;
    switch (frame.type) {
      case "welcome":
        attempt = 0;
        setState("open");
        options.on.welcome?.(frame.you, frame.roster);
        for (const message of frame.history) deliver(message);
        if (lastId > 0 && frame.lastId > lastId) transmit({ type: "resume", lastId });
        flushOutbox();
        break;
      case "message":
        deliver(frame.message);
        break;
      case "messages":
        for (const message of frame.messages) deliver(message);
        break;
      case "ack":
        outbox.delete(frame.clientMessageId);
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
        if (frame.code === "resume-too-far") options.on.gap?.();
        else if (frame.code === "rate-limited" && frame.clientMessageId) {
          const pending = outbox.get(frame.clientMessageId);
          if (pending) timers.set(() => transmit({ type: "message", ...pending }), frame.retryAfterMs ?? 1_000);
          options.on.refused?.(frame.clientMessageId, frame.reason);
        } else if (frame.code === "not-stored" && frame.clientMessageId) {
          const pending = outbox.get(frame.clientMessageId);
          if (pending) timers.set(() => transmit({ type: "message", ...pending }), 1_000);
        } else options.on.refused?.(frame.clientMessageId, frame.reason);
        break;
      default:
        break;
    }
  };

  const deliver = (message: ChatMessage) => {
    if (seen.has(message.id)) return;
    seen.add(message.id);
    lastId = Math.max(lastId, message.id);
    options.on.message?.(message);
  };

  const open = async () => {
    if (stopped) return;
    if (state !== "reconnecting") setState("connecting");
    let url: string;
    try {
      url = await options.url();
    } catch {
      scheduleReconnect();
      return;
    }
    const next = connectSocket(url);
    socket = next;
    next.onmessage = (event) => {
      // A frame that is not JSON or not one of the protocol's shapes is skipped, never fatal.
      const frame = IncomingFrameSchema.safeParse(parseJson(String(event.data)));
      if (frame.success) handle(frame.data);
    };
    next.onopen = () => beat();
    next.onclose = (event) => {
      if (socket !== next) return;
      timers.clear(heartbeatTimer);
      socket = null;
      if (!stopped && event?.code === CLOSE_REMOVED_FROM_ROOM) {
        // Removed from the room: every retry would be refused, so stop here and say why.
        stopped = true;
        timers.clear(reconnectTimer);
        outbox.clear();
        setState("closed");
        options.on.removed?.();
        return;
      }
      if (stopped) setState("closed");
      else scheduleReconnect();
    };
    next.onerror = () => {
      // onclose follows and decides.
    };
  };

  void open();

  return {
    get state() {
      return state;
    },
    get lastId() {
      return lastId;
    },
    /** Queues a message; it is sent now if connected and again after every reconnect until acknowledged. */
    send(text: string): string {
      counter++;
      const clientMessageId = `${Date.now().toString(36)}${counter.toString(36)}${Math.floor(random() * 1e9).toString(36)}`;
      outbox.set(clientMessageId, { clientMessageId, text });
      transmit({ type: "message", clientMessageId, text });
      return clientMessageId;
    },
    /** Throttled: at most one typing frame every 2 s, whatever the keystroke rate. */
    typing() {
      const now = Date.now();
      if (now - lastTypingAt < 2_000) return;
      lastTypingAt = now;
      transmit({ type: "typing" });
    },
    pending(): number {
      return outbox.size;
    },
    /** The network went away (the browser's `offline` event): drop the socket now rather than wait for it to time out. */
    drop() {
      socket?.close(4001, "offline");
    },
    /** The network is back (`online`): skip the remaining backoff and connect at once. */
    reconnectNow() {
      if (stopped || socket) return;
      timers.clear(reconnectTimer);
      attempt = 0;
      void open();
    },
    close() {
      stopped = true;
      timers.clear(reconnectTimer);
      timers.clear(heartbeatTimer);
      socket?.close(1000, "bye");
      setState("closed");
    },
  };
}
