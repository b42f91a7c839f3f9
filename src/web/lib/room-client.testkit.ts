// Test doubles for the room client: a socket driven by hand, timers run on demand, and protocol frames.

import { chatMessage } from "../../../test/chat-message";
import type { ChatMessage, RoomEvent } from "../../features/rooms/rooms.schema";
import { createRoomClient } from "./room-client";
import type {
  ConnectionState,
  OutboxEntry,
  OutboxHold,
  PendingOp,
  RoomClientOptions,
  SocketLike,
} from "./room-client-types";

export class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closedWith: number | null = null;
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.closedWith = code;
    this.drop(code);
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  push(frame: object | string) {
    this.onmessage?.({ data: typeof frame === "string" ? frame : JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: "" });
  }
  /** The message and op frames sent, in order (not typing, resume or ping). */
  outgoing() {
    return this.sent.filter((f) => ["message", "edit", "delete", "react"].includes(f.type as string));
  }
  /** The texts of the message frames sent, in order. */
  texts() {
    return this.sent.filter((f) => f.type === "message").map((f) => f.text as string);
  }
  /** The clientMessageId of the message frame sent with `text`. */
  idOf(text: string) {
    return this.sent.find((f) => f.type === "message" && f.text === text)?.clientMessageId as string;
  }
}

/** The heartbeat of the clients these tests make (a value no other timer of the client uses). */
export const HEARTBEAT_MS = 1_500;

export function harness(
  random = () => 0.5,
  clock = { now: 1_000_000 },
  extra: Partial<Pick<RoomClientOptions, "allowance">> = {},
) {
  const sockets: FakeSocket[] = [];
  const outbox: { entries: OutboxEntry[]; hold: OutboxHold } = { entries: [], hold: null };
  const outboxLog: { entries: OutboxEntry[]; hold: OutboxHold }[] = [];
  let ops: PendingOp[] = [];
  let synced = 0;
  const timers: { fn: () => void; ms: number; id: number; at: number }[] = [];
  let nextId = 0;
  const states: { state: ConnectionState; retryInMs?: number }[] = [];
  const messages: ChatMessage[] = [];
  const events: RoomEvent[] = [];
  const refused: { clientMessageId?: string; reason: string; code?: string; opId?: string }[] = [];
  let gaps = 0;
  let removed = 0;
  const client = createRoomClient({
    url: () => "wss://outpost.test/api/rooms/general/ws",
    connect: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    random,
    now: () => clock.now,
    heartbeatMs: HEARTBEAT_MS,
    timers: {
      set: (fn, ms) => {
        const id = nextId++;
        timers.push({ fn, ms, id, at: clock.now + ms });
        return id;
      },
      clear: (id) => {
        const index = timers.findIndex((t) => t.id === id);
        if (index >= 0) timers.splice(index, 1);
      },
    },
    ...extra,
    on: {
      state: (state, detail) => states.push({ state, retryInMs: detail.retryInMs }),
      message: (m) => messages.push(m),
      event: (e) => events.push(e),
      gap: () => gaps++,
      removed: () => removed++,
      outbox: (entries, hold) => {
        Object.assign(outbox, { entries, hold });
        outboxLog.push({ entries, hold });
      },
      ops: (next) => {
        ops = next;
      },
      refused: (clientMessageId, reason, code, opId) => refused.push({ clientMessageId, reason, code, opId }),
      synced: () => synced++,
    },
  });
  const runTimers = () => {
    const due = timers.splice(0);
    for (const timer of due) timer.fn();
    return due;
  };
  /** Runs only the timers set for `ms` (a retry, say, and not the heartbeat or the failure timers). */
  const runTimersOf = (ms: number) => {
    const due = timers.filter((t) => t.ms === ms);
    for (const timer of due) timers.splice(timers.indexOf(timer), 1);
    for (const timer of due) timer.fn();
    return due.length;
  };
  /** Moves the clock on by `ms`, running the timers that fall due on the way, in time order (not the heartbeat). */
  const advance = (ms: number) => {
    const end = clock.now + ms;
    for (;;) {
      const due = timers
        .filter((t) => t.at <= end && t.ms !== HEARTBEAT_MS)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      timers.splice(timers.indexOf(due), 1);
      clock.now = Math.max(clock.now, due.at);
      due.fn();
    }
    clock.now = end;
  };
  return {
    client,
    sockets,
    advance,
    states,
    messages,
    events,
    refused,
    runTimers,
    runTimersOf,
    timers,
    outbox,
    outboxLog,
    ops: () => ops,
    clock,
    gaps: () => gaps,
    removed: () => removed,
    synced: () => synced,
  };
}

export function message(
  id: number,
  text = `m${id}`,
  from: { userId?: string; clientMessageId?: string; threadRootId?: number } = {},
): ChatMessage {
  return chatMessage({
    id,
    userId: from.userId ?? "u",
    displayName: "U",
    text,
    clientMessageId: from.clientMessageId ?? null,
    createdAt: "2026-01-01T00:00:00.000Z",
    threadRootId: from.threadRootId ?? null,
  });
}

export const welcome = (history: ChatMessage[], lastId: number) => ({
  type: "welcome",
  you: { userId: "me", displayName: "Me" },
  room: "general",
  roster: [],
  history,
  lastId,
});

export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A client whose first socket has opened and, given `lastId`, been welcomed with `history` up to it. */
export async function opened(
  options: { history?: ChatMessage[]; lastId?: number; random?: () => number } = {},
): Promise<ReturnType<typeof harness> & { socket: FakeSocket }> {
  const h = harness(options.random);
  await flush();
  const socket = h.sockets[0] as FakeSocket;
  socket.open();
  if (options.lastId !== undefined) socket.push(welcome(options.history ?? [], options.lastId));
  return { ...h, socket };
}

/** Reconnects `h` after its current socket dropped (the backoff timer of 500 ms with random 1), welcomed anew. */
export async function reconnected(
  h: ReturnType<typeof harness>,
  history: ChatMessage[],
  lastId: number,
): Promise<FakeSocket> {
  h.runTimersOf(500);
  await flush();
  const socket = h.sockets.at(-1) as FakeSocket;
  socket.open();
  socket.push(welcome(history, lastId));
  return socket;
}
