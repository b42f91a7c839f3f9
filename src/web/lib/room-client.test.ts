import { describe, expect, it } from "vitest";
import { type ChatMessage, CLOSE_REMOVED_FROM_ROOM } from "../../features/rooms/rooms.schema";
import { type ConnectionState, createRoomClient, type SocketLike } from "./room-client";

class FakeSocket implements SocketLike {
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
}

function harness(random = () => 0.5) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; id: number }[] = [];
  let nextId = 0;
  const states: { state: ConnectionState; retryInMs?: number }[] = [];
  const messages: ChatMessage[] = [];
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
    heartbeatMs: 1_000,
    timers: {
      set: (fn, ms) => {
        const id = nextId++;
        timers.push({ fn, ms, id });
        return id;
      },
      clear: (id) => {
        const index = timers.findIndex((t) => t.id === id);
        if (index >= 0) timers.splice(index, 1);
      },
    },
    on: {
      state: (state, detail) => states.push({ state, retryInMs: detail.retryInMs }),
      message: (m) => messages.push(m),
      gap: () => gaps++,
      removed: () => removed++,
    },
  });
  const runTimers = () => {
    const due = timers.splice(0);
    for (const timer of due) timer.fn();
    return due;
  };
  return { client, sockets, states, messages, runTimers, timers, gaps: () => gaps, removed: () => removed };
}

const message = (id: number, text = `m${id}`): ChatMessage => ({
  id,
  userId: "u",
  displayName: "U",
  text,
  clientMessageId: null,
  createdAt: "2026-01-01T00:00:00.000Z",
});
const welcome = (history: ChatMessage[], lastId: number) => ({
  type: "welcome",
  you: { userId: "me", displayName: "Me" },
  room: "general",
  roster: [],
  history,
  lastId,
});
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A client whose first socket has opened and, given `lastId`, been welcomed with `history` up to it. */
async function opened(
  options: { history?: ChatMessage[]; lastId?: number; random?: () => number } = {},
): Promise<ReturnType<typeof harness> & { socket: FakeSocket }> {
  const h = harness(options.random);
  await flush();
  const socket = h.sockets[0] as FakeSocket;
  socket.open();
  if (options.lastId !== undefined) socket.push(welcome(options.history ?? [], options.lastId));
  return { ...h, socket };
}

describe("createRoomClient", () => {
  it("opens, delivers history and live messages once each, and clears acknowledged sends", async () => {
    const { socket, ...h } = await opened({ history: [message(1), message(2)], lastId: 2 });
    expect(h.client.state).toBe("open");
    const id = h.client.send("hello");
    expect(socket.sent.at(-1)).toEqual({ type: "message", clientMessageId: id, text: "hello" });
    expect(h.client.pending()).toBe(1);
    socket.push({ type: "ack", clientMessageId: id, id: 3, duplicate: false });
    socket.push({ type: "message", message: message(3, "hello") });
    socket.push({ type: "message", message: message(3, "hello") });
    expect(h.client.pending()).toBe(0);
    expect(h.messages.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it("skips frames that are not JSON or not in the protocol, and keeps going", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    for (const bad of ["not json", { type: "message" }, { type: "message", message: { id: "7" } }, { type: "nope" }]) {
      socket.push(bad);
    }
    socket.push({ type: "message", message: message(1) });
    expect(h.messages.map((m) => m.id)).toEqual([1]);
    expect(h.client.state).toBe("open");
  });

  it("delivers a coalesced `messages` frame in order, once each, alongside single ones", async () => {
    const { socket, ...h } = await opened({ history: [message(1)], lastId: 1 });
    socket.push({ type: "messages", messages: [message(2), message(3), message(4)] });
    socket.push({ type: "message", message: message(4) });
    socket.push({ type: "message", message: message(5) });
    expect(h.messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it("reconnects after a drop with jittered backoff, resumes from the last id, and resends what was not acked", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
    const pendingId = h.client.send("unacked");
    first.drop();
    expect(h.client.state).toBe("reconnecting");
    expect(h.states.at(-1)?.retryInMs).toBe(500);
    h.runTimers();
    await flush();
    const second = h.sockets[1] as FakeSocket;
    second.open();
    second.push(welcome([message(1)], 4));
    expect(second.sent).toEqual([
      { type: "resume", lastId: 1 },
      { type: "message", clientMessageId: pendingId, text: "unacked" },
    ]);
    second.push({ type: "message", message: message(2) });
    second.push({ type: "message", message: message(3) });
    expect(h.messages.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(h.client.state).toBe("open");
  });

  it("backs off exponentially up to the cap, with full jitter", async () => {
    const h = harness(() => 1);
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      (h.sockets.at(-1) as FakeSocket).drop();
      delays.push(h.states.at(-1)?.retryInMs ?? -1);
      h.runTimers();
      await flush();
    }
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    const low = harness(() => 0.25);
    await flush();
    (low.sockets[0] as FakeSocket).drop();
    expect(low.states.at(-1)?.retryInMs).toBe(125);
  });

  it("treats a missing pong as a dead connection", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    h.runTimers(); // sends a ping
    expect(socket.sent.at(-1)).toEqual({ type: "ping" });
    h.runTimers(); // no pong arrived
    expect(socket.closedWith).toBe(4000);
    expect(h.client.state).toBe("reconnecting");
  });

  it("drops at once when the browser goes offline, and reconnects without waiting when it is back", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
    h.client.drop();
    expect(first.closedWith).toBe(4001);
    expect(h.client.state).toBe("reconnecting");
    h.client.reconnectNow();
    await flush();
    expect(h.sockets).toHaveLength(2);
    expect(h.timers.some((t) => t.ms === 500)).toBe(false);
  });

  it("reports a gap when too much was missed, and closes for good on close()", async () => {
    const { socket, ...h } = await opened();
    socket.push({ type: "error", code: "resume-too-far", reason: "x" });
    expect(h.gaps()).toBe(1);
    h.client.close();
    expect(h.client.state).toBe("closed");
    expect(h.timers).toHaveLength(0);
  });

  it("stops for good when the server says this user was removed from the room (4403)", async () => {
    const { socket, ...h } = await opened({ history: [message(1)], lastId: 1 });
    h.client.send("sent as I was removed");
    socket.drop(CLOSE_REMOVED_FROM_ROOM);
    expect(h.removed()).toBe(1);
    expect(h.client.state).toBe("closed");
    expect(h.states.at(-1)).toEqual({ state: "closed", retryInMs: undefined });
    expect(h.states.some((s) => s.state === "reconnecting")).toBe(false);
    expect(h.client.pending()).toBe(0);
    // No retry is scheduled, and neither the heartbeat nor the browser's `online` event opens a new socket.
    expect(h.timers).toHaveLength(0);
    h.client.reconnectNow();
    h.runTimers();
    await flush();
    expect(h.sockets).toHaveLength(1);
    h.client.close();
    expect(h.removed()).toBe(1);
  });

  it("still reconnects after other application close codes", async () => {
    const { socket, ...h } = await opened();
    socket.drop(4400);
    expect(h.removed()).toBe(0);
    expect(h.client.state).toBe("reconnecting");
    h.runTimers();
    await flush();
    expect(h.sockets).toHaveLength(2);
  });
});
