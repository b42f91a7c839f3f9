// The room client's socket: reconnects with jittered backoff, a heartbeat that notices dead connections, frames
// parsed with the protocol's schema (anything else is skipped, never fatal), and the close codes that stop it.
import type { z } from "@hono/zod-openapi";
import { CLOSE_REMOVED_FROM_ROOM, CLOSE_SESSION_ENDED, IncomingFrameSchema } from "../../features/rooms/rooms.schema";
import type { ConnectionState, RoomClientOptions, SocketLike } from "./room-client-types";

export type IncomingFrame = z.infer<typeof IncomingFrameSchema>;

const OPEN = 1;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface ConnectionHandlers {
  frame: (frame: IncomingFrame) => void;
  /** The socket closed (any reason): what was on its way may or may not have arrived. */
  closed: () => void;
  /** 4403: removed from the room; the connection has stopped for good. */
  removed: () => void;
  /** 4401: the session ended; the connection has stopped until `resume()`. */
  sessionEnded: () => void;
}

export function createConnection(options: RoomClientOptions, handlers: ConnectionHandlers) {
  const connectSocket = options.connect ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const random = options.random ?? Math.random;
  const timers = options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as number) };
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? 25_000;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const isOnline = options.isOnline ?? (() => typeof navigator === "undefined" || navigator.onLine !== false);
  let warnedSkipped = false;

  let socket: SocketLike | null = null;
  let state: ConnectionState = "connecting";
  let attempt = 0;
  let stopped = false;
  /** Stopped by a 4401 close (not by `close()`): `resume()` may carry on. */
  let sessionEnded = false;
  let reconnectTimer: unknown = null;
  let heartbeatTimer: unknown = null;
  let awaitingPong = false;

  const setState = (next: ConnectionState, retryInMs?: number) => {
    state = next;
    options.on.state?.(next, { attempt, retryInMs });
  };

  const isOpen = () => socket !== null && socket.readyState === OPEN;

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

  const receive = (data: unknown) => {
    awaitingPong = false;
    // A frame that is not JSON or not one of the protocol's shapes is skipped, never fatal.
    const value = parseJson(String(data));
    const frame = IncomingFrameSchema.safeParse(value);
    if (frame.success) handlers.frame(frame.data);
    else if (!warnedSkipped) {
      // Said once: a server (or anyone in between) sending many would otherwise flood the console.
      warnedSkipped = true;
      const type = typeof value === "object" && value && "type" in value ? String(value.type).slice(0, 40) : "?";
      const issue = frame.error.issues[0];
      warn(`room: skipped a frame not in the protocol (type ${type}: ${issue?.path.join(".")} ${issue?.message})`);
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
    next.onmessage = (event) => receive(event.data);
    next.onopen = () => beat();
    next.onclose = (event) => {
      if (socket !== next) return;
      timers.clear(heartbeatTimer);
      socket = null;
      handlers.closed();
      if (!stopped && event?.code === CLOSE_SESSION_ENDED) {
        // Retrying with the same credentials would only be refused: wait to be told whether there is a session.
        stopped = true;
        sessionEnded = true;
        timers.clear(reconnectTimer);
        setState("closed");
        handlers.sessionEnded();
        return;
      }
      if (!stopped && event?.code === CLOSE_REMOVED_FROM_ROOM) {
        // Removed from the room: every retry would be refused, so stop here and say why.
        stopped = true;
        timers.clear(reconnectTimer);
        setState("closed");
        handlers.removed();
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
    isOpen,
    /** Sends a frame if the socket is open; answers whether it went. */
    send(frame: object): boolean {
      if (!socket || socket.readyState !== OPEN) return false;
      socket.send(JSON.stringify(frame));
      return true;
    },
    /** The room welcomed this socket: the backoff starts over. */
    welcomed() {
      attempt = 0;
      setState("open");
    },
    drop() {
      socket?.close(4001, "offline");
    },
    reconnectNow,
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
      setState("closed");
    },
  };
}
