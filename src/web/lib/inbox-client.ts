// The inbox socket: one per signed-in user, for the unread count and new entries as they arrive. A small cousin of
// the room client: reconnects with backoff and full jitter, a heartbeat (the Inbox object answers {"type":"ping"}
// with {"type":"pong"} without waking) that notices dead connections, every frame parsed with the shared schema
// (anything else is skipped, never fatal), and it stops on 4401 (the session ended) instead of retrying.
import {
  INBOX_CLOSE_SESSION_ENDED,
  type InboxEntry,
  type InboxFrame,
  InboxFrameSchema,
} from "../../features/inbox/inbox.schema";
import type { ConnectionState, SocketLike } from "./room-client-types";

/** The same states as a room's connection. */
export type InboxConnectionState = ConnectionState;
/** The part of WebSocket this client uses (the room client's), so tests drive it without a network. */
export type InboxSocketLike = SocketLike;

export interface InboxClientEvents {
  state?: (state: InboxConnectionState, detail: { attempt: number; retryInMs?: number }) => void;
  /** The unread count changed (on connect, on a new entry, when entries were marked read anywhere). */
  unread?: (unread: number) => void;
  /** Connected (again): the newest entries as the Inbox has them, to refresh lists shown from before. */
  hello?: (unread: number, latest: InboxEntry[]) => void;
  /** A new entry, live (not on a reconnect's hello). */
  entry?: (entry: InboxEntry, unread: number) => void;
  /** Entries were marked read, here or on another device: the listed ids, or all. */
  read?: (ids: number[], all: boolean) => void;
  /** The server closed with 4401: the session ended. The client stops; `resume()` carries on with a new one. */
  sessionEnded?: () => void;
}

export interface InboxClientOptions {
  url: () => string | Promise<string>;
  on: InboxClientEvents;
  connect?: (url: string) => InboxSocketLike;
  random?: () => number;
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
  baseDelayMs?: number;
  maxDelayMs?: number;
  heartbeatMs?: number;
  isOnline?: () => boolean;
  warn?: (message: string) => void;
}

const OPEN = 1;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * @example
 * const inbox = createInboxClient({ url: () => `wss://host/api/inbox/ws`, on: { unread: setBadge } });
 */
export function createInboxClient(options: InboxClientOptions) {
  const connectSocket = options.connect ?? ((url: string) => new WebSocket(url) as unknown as InboxSocketLike);
  const random = options.random ?? Math.random;
  const timers = options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as number) };
  const base = options.baseDelayMs ?? 1_000;
  const max = options.maxDelayMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const isOnline = options.isOnline ?? (() => typeof navigator === "undefined" || navigator.onLine !== false);

  let socket: InboxSocketLike | null = null;
  let state: InboxConnectionState = "connecting";
  let attempt = 0;
  let unread = 0;
  let stopped = false;
  let sessionEnded = false;
  let warned = false;
  let reconnectTimer: unknown = null;
  let heartbeatTimer: unknown = null;
  let awaitingPong = false;
  /** Entries already passed on, so a frame repeated by a reconnect is not announced twice. */
  const seen = new Set<string>();

  const setState = (next: InboxConnectionState, retryInMs?: number) => {
    state = next;
    options.on.state?.(next, { attempt, retryInMs });
  };
  const setUnread = (next: number) => {
    if (next === unread) return;
    unread = next;
    options.on.unread?.(next);
  };

  const beat = () => {
    timers.clear(heartbeatTimer);
    heartbeatTimer = timers.set(() => {
      if (awaitingPong) {
        // Nothing back for a whole interval: the connection is dead even if the browser has not noticed.
        socket?.close(4000, "heartbeat timeout");
        return;
      }
      awaitingPong = true;
      if (socket?.readyState === OPEN) socket.send('{"type":"ping"}');
      beat();
    }, heartbeatMs);
  };

  const scheduleReconnect = () => {
    if (stopped) return;
    // Full jitter: a restart of the service is not met by every tab at the same moment.
    const delay = Math.round(random() * Math.min(max, base * 2 ** attempt));
    attempt++;
    setState("reconnecting", delay);
    reconnectTimer = timers.set(() => {
      if (isOnline()) void open();
    }, delay);
  };

  const handle = (frame: InboxFrame) => {
    awaitingPong = false;
    switch (frame.type) {
      case "hello":
        attempt = 0;
        for (const entry of frame.latest) seen.add(String(entry.id));
        setState("open");
        setUnread(frame.unread);
        options.on.hello?.(frame.unread, frame.latest);
        break;
      case "entry": {
        setUnread(frame.unread);
        const key = String(frame.entry.id);
        if (seen.has(key)) break;
        seen.add(key);
        options.on.entry?.(frame.entry, frame.unread);
        break;
      }
      case "read":
        setUnread(frame.unread);
        options.on.read?.(frame.ids, frame.all);
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
      if (socket !== next) return;
      const data = parseJson(String(event.data));
      const frame = InboxFrameSchema.safeParse(data);
      if (frame.success) handle(frame.data);
      else if (!warned) {
        warned = true;
        const type = typeof data === "object" && data && "type" in data ? String(data.type).slice(0, 40) : "?";
        const issue = frame.error.issues[0];
        warn(`inbox: skipped a frame not in the protocol (type ${type}: ${issue?.path.join(".")} ${issue?.message})`);
      }
    };
    next.onopen = () => {
      awaitingPong = false;
      beat();
    };
    next.onclose = (event) => {
      if (socket !== next) return;
      timers.clear(heartbeatTimer);
      socket = null;
      if (!stopped && event?.code === INBOX_CLOSE_SESSION_ENDED) {
        stopped = true;
        sessionEnded = true;
        setState("closed");
        options.on.sessionEnded?.();
        return;
      }
      if (stopped) setState("closed");
      else scheduleReconnect();
    };
    next.onerror = () => {
      // onclose follows and decides.
    };
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
    get unread() {
      return unread;
    },
    /** Entries were marked read over HTTP: the answer's count is the newest (the socket's `read` frame follows). */
    setUnread,
    /** The network went away: drop the socket now rather than wait for the heartbeat. */
    drop() {
      socket?.close(4001, "offline");
    },
    /** The network is back: skip the remaining backoff. */
    reconnectNow,
    /** After `sessionEnded`, when the browser has a session again. */
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
      socket?.close(1000, "bye");
      socket = null;
      setState("closed");
    },
  };
}

export type InboxClient = ReturnType<typeof createInboxClient>;

/**
 * The unread entries that someone looking at `room` has seen there: mentions in its main timeline (a thread reply
 * is seen only with its thread open, so it stays unread). The room page's own read cursor does the same for the
 * room's unread count.
 */
export function seenInRoom(entries: Iterable<InboxEntry>, room: string): number[] {
  const ids: number[] = [];
  for (const entry of entries)
    if (!entry.read && entry.room === room && entry.threadRootId === null) ids.push(entry.id);
  return ids;
}
