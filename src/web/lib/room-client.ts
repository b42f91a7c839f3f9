// A reconnecting room client: backoff with jitter, resume from the last id seen, an outbox that delivers in the
// sender's order (it keeps within the room's allowance, and after a refusal it holds everything later until the
// refused message is re-sent and acknowledged), a heartbeat that notices dead connections, throttled typing, and an
// honest connection state for the UI.
import type { z } from "@hono/zod-openapi";
import {
  type ChatMessage,
  CLOSE_REMOVED_FROM_ROOM,
  CLOSE_SESSION_ENDED,
  IncomingFrameSchema,
  MESSAGE_POLICY,
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

/**
 * A message this client sent that the room has not shown yet. `sending`: on its way, or waiting its turn behind a
 * refused one; `failed`: not acknowledged in time (it is still re-sent on every reconnect until discarded); `sent`:
 * stored (acknowledged with `id`), waiting for the room's broadcast of it.
 */
export interface OutboxEntry {
  clientMessageId: string;
  text: string;
  status: "sending" | "failed" | "sent";
  id?: number;
}

/** Why the outbox holds later messages back: the room refused one (too fast, or not stored) and it goes again first. */
export type OutboxHold = "rate-limited" | "not-stored" | null;

interface RoomClientEvents {
  state?: (state: ConnectionState, detail: { attempt: number; retryInMs?: number }) => void;
  welcome?: (you: Member, roster: Member[]) => void;
  message?: (message: ChatMessage) => void;
  /** Everything missed while away has been delivered (after each welcome, and after a resume's replay). */
  synced?: () => void;
  presence?: (roster: Member[]) => void;
  typing?: (member: Member) => void;
  /** A link preview for a message (null: the link has none, or the network did not allow one). */
  preview?: (messageId: number, url: string, preview: RoomLinkPreview | null) => void;
  /** The outbox changed: what is on its way, in the sender's order, and why later messages are held back. */
  outbox?: (entries: OutboxEntry[], hold: OutboxHold) => void;
  refused?: (clientMessageId: string | undefined, reason: string) => void;
  /** Too much was missed while away: what was shown is no longer contiguous; the newest messages follow. */
  gap?: () => void;
  /** A private room's member list changed. */
  membership?: (event: "added" | "removed", userId: string) => void;
  /** The server closed with 4403: this user was removed from the (private) room. The client stops for good. */
  removed?: () => void;
  /**
   * The server closed with 4401: the session this socket was opened with ended (signed out, revoked, password
   * changed, account disabled). The client stops, keeping its outbox; `resume()` carries on if the browser
   * still has a session (a password changed here gives it a new one), otherwise the user signs in again.
   */
  sessionEnded?: () => void;
}

interface RoomClientOptions {
  /** A function, so each attempt can fetch a fresh ticket or URL. */
  url: () => string | Promise<string>;
  on: RoomClientEvents;
  connect?: (url: string) => SocketLike;
  random?: () => number;
  now?: () => number;
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
  baseDelayMs?: number;
  maxDelayMs?: number;
  heartbeatMs?: number;
  /** A message not acknowledged this long after it was (re-)sent is reported `failed`. */
  ackTimeoutMs?: number;
  /** While the user types, a typing frame goes out at most this often (the room drops them closer than 2 s). */
  typingEveryMs?: number;
  /** Whether the device has a network; while it has none, no attempt is made (`reconnectNow` resumes). */
  isOnline?: () => boolean;
  /**
   * How many messages the room takes from one connection: a burst of `limit`, refilled evenly over `periodMs`
   * (MESSAGE_POLICY in rooms.schema.ts). null: send without counting.
   */
  allowance?: { limit: number; periodMs: number } | null;
  /** Where the first frame skipped as not in the protocol is reported (once per client): console.warn. */
  warn?: (message: string) => void;
}

interface Pending {
  clientMessageId: string;
  text: string;
  status: OutboxEntry["status"];
  id?: number;
  /** The failure timer while unacknowledged; the forget timer once sent. */
  timer: unknown;
}

const OPEN = 1;
/** How long a refused message waits when the room does not say (not-stored). */
const DEFAULT_RETRY_MS = 1_000;
/** The room's allowance per connection, as the room enforces it. */
const ROOM_ALLOWANCE = MESSAGE_POLICY;
/**
 * Messages of the allowance kept in hand. Messages go out at once while more than this is left; below it, one
 * at a time, each once the one before is acknowledged. The room counts by its own clock, and a message it refuses
 * while later ones are on their way could be overtaken by them (it may take one of those a moment later): so
 * several are in flight only while the room is sure to take them all.
 */
const ALLOWANCE_RESERVE = 5;

/**
 * @example
 * const room = createRoomClient({ url: () => `wss://host/api/rooms/general/ws`, on: { message: show } });
 * room.send("hello");
 */
export function createRoomClient(options: RoomClientOptions) {
  const connectSocket = options.connect ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const timers = options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as number) };
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? 25_000;
  const ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  const typingEveryMs = options.typingEveryMs ?? 2_500;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  let warnedSkipped = false;
  const isOnline = options.isOnline ?? (() => typeof navigator === "undefined" || navigator.onLine !== false);

  let socket: SocketLike | null = null;
  let state: ConnectionState = "connecting";
  let attempt = 0;
  let lastId = 0;
  let me: string | null = null;
  let stopped = false;
  /** Stopped by a 4401 close (not by `close()`): `resume()` may carry on. */
  let sessionEnded = false;
  let reconnectTimer: unknown = null;
  let heartbeatTimer: unknown = null;
  let awaitingPong = false;
  /** In the sender's order (a Map keeps insertion order). */
  const outbox = new Map<string, Pending>();
  /** Set after a refusal: only the oldest unacknowledged message is in flight until the outbox has drained. */
  let hold: OutboxHold = null;
  let inFlight: string | null = null;
  let retryTimer: unknown = null;
  /** Messages sent on the current socket that the room has neither acknowledged nor refused yet. */
  const onWire = new Set<string>();
  const allowance = options.allowance === undefined ? ROOM_ALLOWANCE : options.allowance;
  /** What this client reckons is left of the current connection's allowance, as of `allowanceAt`. */
  let allowanceLeft = allowance?.limit ?? 0;
  let allowanceAt = now();
  /** A reconnect's welcome history, held back while the messages missed before it are replayed. */
  let resumeBuffer: ChatMessage[] | null = null;
  const seen = new Set<number>();
  let counter = 0;
  let lastTypingAt = Number.NEGATIVE_INFINITY;

  const setState = (next: ConnectionState, retryInMs?: number) => {
    state = next;
    options.on.state?.(next, { attempt, retryInMs });
  };

  const isOpen = () => socket !== null && socket.readyState === OPEN;

  const transmit = (frame: object) => {
    if (socket && socket.readyState === OPEN) socket.send(JSON.stringify(frame));
  };

  // ---- the room's allowance, as this client reckons it ----

  /** Messages the room would take now (fractions: refilling). */
  const allowanceNow = () =>
    allowance
      ? Math.min(allowance.limit, allowanceLeft + ((now() - allowanceAt) * allowance.limit) / allowance.periodMs)
      : Number.POSITIVE_INFINITY;
  const spendAllowance = () => {
    if (!allowance) return;
    allowanceLeft = allowanceNow() - 1;
    allowanceAt = now();
  };
  /** A new connection has the whole allowance. */
  const fullAllowance = () => {
    allowanceLeft = allowance?.limit ?? 0;
    allowanceAt = now();
  };
  /** Whether a message may go at once, alongside any still on their way. */
  const roomy = () => allowanceNow() >= 1 + ALLOWANCE_RESERVE;

  // ---- the outbox ----

  const emitOutbox = () => {
    options.on.outbox?.(
      [...outbox.values()].map(({ clientMessageId, text, status, id }) =>
        id === undefined ? { clientMessageId, text, status } : { clientMessageId, text, status, id },
      ),
      hold,
    );
  };

  const unacked = () => [...outbox.values()].filter((p) => p.status !== "sent");

  /** (Re)starts the timer after which an unacknowledged message is reported failed. */
  const armFailure = (pending: Pending) => {
    timers.clear(pending.timer);
    pending.timer = timers.set(() => {
      pending.timer = null;
      if (pending.status !== "sending") return;
      pending.status = "failed";
      emitOutbox();
    }, ackTimeoutMs);
  };

  const forget = (clientMessageId: string) => {
    const pending = outbox.get(clientMessageId);
    if (!pending) return;
    timers.clear(pending.timer);
    outbox.delete(clientMessageId);
    onWire.delete(clientMessageId);
    if (inFlight === clientMessageId) inFlight = null;
  };

  const transmitPending = (pending: Pending) => {
    if (pending.status === "failed") pending.status = "sending";
    if (pending.status === "sending" && pending.timer === null) armFailure(pending);
    if (!isOpen()) return;
    spendAllowance();
    onWire.add(pending.clientMessageId);
    transmit({ type: "message", clientMessageId: pending.clientMessageId, text: pending.text });
  };

  /** Waits (the retry timer) until the allowance has a message in it again, then pumps. */
  const waitForAllowance = () => {
    if (!allowance || retryTimer !== null) return;
    const ms = Math.ceil(((1 - allowanceNow()) * allowance.periodMs) / allowance.limit);
    retryTimer = timers.set(
      () => {
        retryTimer = null;
        pump();
      },
      Math.max(1, ms),
    );
  };

  /**
   * Sends what may go now. Normally every message goes as soon as it is written; while held (after a refusal, or
   * with little of the allowance left), only the oldest unacknowledged one once nothing else is on its way, and
   * the next only once it is acknowledged.
   */
  const pump = () => {
    if (hold && unacked().length === 0) {
      hold = null;
      timers.clear(retryTimer);
      retryTimer = null;
      inFlight = null;
    }
    if (!hold || !isOpen() || inFlight !== null || retryTimer !== null || onWire.size > 0) return;
    const head = unacked()[0];
    if (!head) return;
    if (allowanceNow() < 1) {
      waitForAllowance();
      return;
    }
    inFlight = head.clientMessageId;
    transmitPending(head);
  };

  /** Sends `pending` at once if the allowance has room for it; otherwise holds it (and what follows) back. */
  const sendOrHold = (pending: Pending) => {
    if (!hold && roomy()) transmitPending(pending);
    else {
      hold ??= "rate-limited";
      pump();
    }
  };

  /** Everything unacknowledged again, in order (after a reconnect, or a retry asked for by the user). */
  const resendAll = () => {
    // Whatever was on its way is sent again (the room takes each clientMessageId once).
    onWire.clear();
    if (hold) {
      timers.clear(retryTimer);
      retryTimer = null;
      inFlight = null;
      pump();
    } else {
      for (const pending of unacked()) sendOrHold(pending);
    }
  };

  const acknowledged = (clientMessageId: string, id: number) => {
    const pending = outbox.get(clientMessageId);
    onWire.delete(clientMessageId);
    if (!pending || pending.status === "sent") {
      pump();
      return;
    }
    if (inFlight === clientMessageId) inFlight = null;
    if (seen.has(id)) forget(clientMessageId);
    else {
      pending.status = "sent";
      pending.id = id;
      // The room's broadcast of it normally follows at once; if it never comes (the socket dropped), stop showing
      // it as pending: it is stored, and history has it.
      timers.clear(pending.timer);
      pending.timer = timers.set(() => {
        pending.timer = null;
        forget(clientMessageId);
        emitOutbox();
      }, ackTimeoutMs);
    }
    pump();
    emitOutbox();
  };

  const refusedForNow = (clientMessageId: string, code: "rate-limited" | "not-stored", retryAfterMs?: number) => {
    const pending = outbox.get(clientMessageId);
    onWire.delete(clientMessageId);
    if (!pending || pending.status === "sent") return;
    hold = code;
    // Refusals of messages that were already on their way when the first came back are answered by the same
    // retry: the oldest goes again first, then each of the rest in turn.
    if (inFlight === null || inFlight === clientMessageId) {
      inFlight = null;
      if (retryTimer === null) {
        retryTimer = timers.set(
          () => {
            retryTimer = null;
            pump();
          },
          Math.max(0, retryAfterMs ?? DEFAULT_RETRY_MS),
        );
      }
    }
    emitOutbox();
  };

  // ---- the connection ----

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

  const deliver = (message: ChatMessage) => {
    if (seen.has(message.id)) return;
    seen.add(message.id);
    lastId = Math.max(lastId, message.id);
    options.on.message?.(message);
    // This client's own message, back from the room: it is no longer pending (also when its ack was lost).
    if (message.clientMessageId && message.userId === me && outbox.has(message.clientMessageId)) {
      const wasUnacked = outbox.get(message.clientMessageId)?.status !== "sent";
      forget(message.clientMessageId);
      if (wasUnacked) pump();
      emitOutbox();
    }
  };

  /** Ends a resume: the welcome's history (held back) now follows what was replayed. */
  const endResume = () => {
    const buffered = resumeBuffer ?? [];
    resumeBuffer = null;
    for (const message of buffered) deliver(message);
    options.on.synced?.();
  };

  const handle = (frame: IncomingFrame) => {
    awaitingPong = false;
    switch (frame.type) {
      case "welcome": {
        attempt = 0;
        me = frame.you.userId;
        fullAllowance();
        setState("open");
        options.on.welcome?.(frame.you, frame.roster);
        const from = lastId;
        const history = frame.history;
        // The history is the newest page: it covers what was missed only if it reaches back to what was seen.
        const covered =
          from === 0 ||
          frame.lastId <= from ||
          ((history[0]?.id ?? Number.POSITIVE_INFINITY) <= from + 1 && (history.at(-1)?.id ?? 0) >= frame.lastId);
        if (covered) {
          for (const message of history) deliver(message);
          options.on.synced?.();
        } else {
          resumeBuffer = [...history];
          transmit({ type: "resume", lastId: from });
        }
        resendAll();
        break;
      }
      case "message":
        deliver(frame.message);
        break;
      case "messages":
        for (const message of frame.messages) deliver(message);
        break;
      case "resumed":
        if (resumeBuffer) endResume();
        break;
      case "ack":
        acknowledged(frame.clientMessageId, frame.id);
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
          for (const pending of [...outbox.values()]) if (pending.status === "sent") forget(pending.clientMessageId);
          options.on.gap?.();
          if (resumeBuffer) endResume();
          emitOutbox();
        } else if ((frame.code === "rate-limited" || frame.code === "not-stored") && frame.clientMessageId) {
          refusedForNow(frame.clientMessageId, frame.code, frame.retryAfterMs);
        } else options.on.refused?.(frame.clientMessageId, frame.reason);
        break;
      default:
        break;
    }
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
    if (stopped) return;
    const next = connectSocket(url);
    socket = next;
    next.onmessage = (event) => {
      // A frame that is not JSON or not one of the protocol's shapes is skipped, never fatal.
      const data = parseJson(String(event.data));
      const frame = IncomingFrameSchema.safeParse(data);
      if (frame.success) handle(frame.data);
      else if (!warnedSkipped) {
        // Said once: a server (or anyone in between) sending many would otherwise flood the console.
        warnedSkipped = true;
        const type = typeof data === "object" && data && "type" in data ? String(data.type).slice(0, 40) : "?";
        const issue = frame.error.issues[0];
        warn(`room: skipped a frame not in the protocol (type ${type}: ${issue?.path.join(".")} ${issue?.message})`);
      }
    };
    next.onopen = () => beat();
    next.onclose = (event) => {
      if (socket !== next) return;
      timers.clear(heartbeatTimer);
      socket = null;
      // Whatever was in flight may or may not have been stored: it goes again (deduplicated) after the welcome.
      inFlight = null;
      onWire.clear();
      resumeBuffer = null;
      if (!stopped && event?.code === CLOSE_SESSION_ENDED) {
        // Retrying with the same credentials would only be refused: wait to be told whether there is a session.
        stopped = true;
        sessionEnded = true;
        timers.clear(reconnectTimer);
        setState("closed");
        options.on.sessionEnded?.();
        return;
      }
      if (!stopped && event?.code === CLOSE_REMOVED_FROM_ROOM) {
        // Removed from the room: every retry would be refused, so stop here and say why.
        stopped = true;
        timers.clear(reconnectTimer);
        clearOutbox();
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

  const clearOutbox = () => {
    for (const pending of outbox.values()) timers.clear(pending.timer);
    outbox.clear();
    onWire.clear();
    timers.clear(retryTimer);
    retryTimer = null;
    hold = null;
    inFlight = null;
  };

  const reconnectNow = () => {
    if (stopped || socket) return;
    timers.clear(reconnectTimer);
    attempt = 0;
    void open();
  };

  void open();

  return {
    get state() {
      return state;
    },
    get lastId() {
      return lastId;
    },
    /**
     * Queues a message. It is sent now if connected (unless an earlier one was refused and is waiting to go
     * again: then after it), and again after every reconnect until acknowledged.
     */
    send(text: string): string {
      counter++;
      const clientMessageId = `${now().toString(36)}${counter.toString(36)}${Math.floor(random() * 1e9).toString(36)}`;
      const pending: Pending = { clientMessageId, text, status: "sending", timer: null };
      outbox.set(clientMessageId, pending);
      armFailure(pending);
      // The next keystroke starts a new message: announce it at once.
      lastTypingAt = Number.NEGATIVE_INFINITY;
      sendOrHold(pending);
      emitOutbox();
      return clientMessageId;
    },
    /** Sends every unacknowledged message again, in order (the user pressed Retry); reconnects first if need be. */
    retry() {
      for (const pending of unacked()) {
        pending.status = "sending";
        armFailure(pending);
      }
      emitOutbox();
      if (isOpen()) resendAll();
      else reconnectNow();
    },
    /** Drops a message that was not sent (the user pressed Discard). */
    discard(clientMessageId: string) {
      forget(clientMessageId);
      pump();
      emitOutbox();
    },
    /**
     * The user typed: the others are told at once, then at most every `typingEveryMs` while the typing goes on
     * (a steady beat their indicator can rely on), whatever the keystroke rate.
     */
    typing() {
      const at = now();
      if (at - lastTypingAt < typingEveryMs) return;
      if (!isOpen()) return;
      lastTypingAt = at;
      transmit({ type: "typing" });
    },
    pending(): number {
      return unacked().length;
    },
    /** The network went away (the browser's `offline` event): drop the socket now rather than wait for it to time out. */
    drop() {
      socket?.close(4001, "offline");
    },
    /** The network is back (`online`): skip the remaining backoff and connect at once. */
    reconnectNow,
    /** After `sessionEnded`, when the browser still has a valid session: connect again, outbox and all. */
    resume() {
      if (!sessionEnded || socket) return;
      sessionEnded = false;
      stopped = false;
      reconnectNow();
    },
    close() {
      stopped = true;
      sessionEnded = false;
      timers.clear(reconnectTimer);
      timers.clear(heartbeatTimer);
      for (const pending of outbox.values()) {
        timers.clear(pending.timer);
        pending.timer = null;
      }
      timers.clear(retryTimer);
      retryTimer = null;
      socket?.close(1000, "bye");
      setState("closed");
    },
  };
}

export type RoomClient = ReturnType<typeof createRoomClient>;
