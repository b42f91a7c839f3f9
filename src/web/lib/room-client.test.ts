import { describe, expect, it } from "vitest";
import { type ChatMessage, CLOSE_REMOVED_FROM_ROOM } from "../../features/rooms/rooms.schema";
import {
  type ConnectionState,
  createRoomClient,
  type OutboxEntry,
  type OutboxHold,
  type SocketLike,
} from "./room-client";

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

function harness(random = () => 0.5, clock = { now: 1_000_000 }) {
  const sockets: FakeSocket[] = [];
  const outbox: { entries: OutboxEntry[]; hold: OutboxHold } = { entries: [], hold: null };
  let synced = 0;
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
    now: () => clock.now,
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
      outbox: (entries, hold) => Object.assign(outbox, { entries, hold }),
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
  return {
    client,
    sockets,
    states,
    messages,
    runTimers,
    runTimersOf,
    timers,
    outbox,
    clock,
    gaps: () => gaps,
    removed: () => removed,
    synced: () => synced,
  };
}

const message = (
  id: number,
  text = `m${id}`,
  from: { userId?: string; clientMessageId?: string } = {},
): ChatMessage => ({
  id,
  userId: from.userId ?? "u",
  displayName: "U",
  text,
  clientMessageId: from.clientMessageId ?? null,
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

  describe("the outbox keeps the sender's order", () => {
    /** The texts of the message frames `socket` was sent, in order. */
    const sentTexts = (socket: FakeSocket) =>
      socket.sent.filter((f) => f.type === "message").map((f) => f.text as string);
    const idOf = (socket: FakeSocket, text: string) =>
      socket.sent.find((f) => f.type === "message" && f.text === text)?.clientMessageId as string;

    it("after a rate-limited refusal, holds later messages and re-sends from the refused one, one at a time", async () => {
      const { socket, ...h } = await opened({ lastId: 0 });
      for (const text of ["1", "2", "3", "4", "5"]) h.client.send(text);
      expect(sentTexts(socket)).toEqual(["1", "2", "3", "4", "5"]);
      // The room takes 1 and 2, then refuses 3, 4 and 5 (they were already on their way).
      socket.push({ type: "ack", clientMessageId: idOf(socket, "1"), id: 1, duplicate: false });
      socket.push({ type: "ack", clientMessageId: idOf(socket, "2"), id: 2, duplicate: false });
      for (const text of ["3", "4", "5"]) {
        socket.push({
          type: "error",
          code: "rate-limited",
          reason: "You are sending messages too fast",
          retryAfterMs: 200,
          clientMessageId: idOf(socket, text),
        });
      }
      expect(h.outbox.hold).toBe("rate-limited");
      // Written while held: queued behind the refused ones, not sent ahead of them.
      h.client.send("6");
      expect(sentTexts(socket)).toHaveLength(5);
      expect(h.outbox.entries.map((e) => e.text)).toEqual(["1", "2", "3", "4", "5", "6"]);

      // One retry timer, for the oldest refused message; the rest wait their turn.
      expect(h.runTimersOf(200)).toBe(1);
      expect(sentTexts(socket).slice(5)).toEqual(["3"]);
      // A refusal that was already on its way when the retry went out changes nothing.
      socket.push({
        type: "error",
        code: "rate-limited",
        reason: "x",
        retryAfterMs: 50,
        clientMessageId: idOf(socket, "5"),
      });
      expect(h.runTimersOf(50)).toBe(0);

      socket.push({ type: "ack", clientMessageId: idOf(socket, "3"), id: 3, duplicate: false });
      expect(sentTexts(socket).slice(5)).toEqual(["3", "4"]);
      // Refused again: 4 goes again after the wait, still before 5 and 6.
      socket.push({
        type: "error",
        code: "rate-limited",
        reason: "x",
        retryAfterMs: 100,
        clientMessageId: idOf(socket, "4"),
      });
      expect(h.runTimersOf(100)).toBe(1);
      socket.push({ type: "ack", clientMessageId: idOf(socket, "4"), id: 4, duplicate: false });
      socket.push({ type: "ack", clientMessageId: idOf(socket, "5"), id: 5, duplicate: false });
      socket.push({ type: "ack", clientMessageId: idOf(socket, "6"), id: 6, duplicate: false });
      expect(sentTexts(socket).slice(5)).toEqual(["3", "4", "4", "5", "6"]);
      expect(h.client.pending()).toBe(0);
      // Everything is delivered: nothing is held back any more, so "too fast" is over.
      expect(h.outbox.hold).toBeNull();

      // The room's broadcasts of them end their pending rows; the next message goes at once again.
      for (let id = 1; id <= 6; id++) {
        socket.push({
          type: "message",
          message: message(id, String(id), { userId: "me", clientMessageId: idOf(socket, String(id)) }),
        });
      }
      expect(h.outbox.entries).toEqual([]);
      h.client.send("7");
      expect(sentTexts(socket).at(-1)).toBe("7");
    });

    it("re-sends after not-stored in order, waiting a second when the room gives no time", async () => {
      const { socket, ...h } = await opened({ lastId: 0 });
      for (const text of ["a", "b", "c"]) h.client.send(text);
      for (const text of ["a", "b", "c"]) {
        socket.push({
          type: "error",
          code: "not-stored",
          reason: "send it again",
          clientMessageId: idOf(socket, text),
        });
      }
      expect(h.outbox.hold).toBe("not-stored");
      // (The heartbeat runs every second in these tests too.)
      expect(h.runTimersOf(1_000)).toBe(2);
      expect(sentTexts(socket).slice(3)).toEqual(["a"]);
      socket.push({ type: "ack", clientMessageId: idOf(socket, "a"), id: 1, duplicate: false });
      socket.push({ type: "ack", clientMessageId: idOf(socket, "b"), id: 2, duplicate: false });
      socket.push({ type: "ack", clientMessageId: idOf(socket, "c"), id: 3, duplicate: false });
      expect(sentTexts(socket).slice(3)).toEqual(["a", "b", "c"]);
      expect(h.outbox.hold).toBeNull();
      expect(h.outbox.entries.map((e) => [e.text, e.status, e.id])).toEqual([
        ["a", "sent", 1],
        ["b", "sent", 2],
        ["c", "sent", 3],
      ]);
    });

    it("a reconnect while held sends the oldest unacknowledged message first, then the rest in turn", async () => {
      const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
      for (const text of ["x", "y"]) h.client.send(text);
      first.push({
        type: "error",
        code: "rate-limited",
        reason: "x",
        retryAfterMs: 5_000,
        clientMessageId: idOf(first, "x"),
      });
      first.drop();
      h.runTimersOf(500);
      await flush();
      const second = h.sockets[1] as FakeSocket;
      second.open();
      second.push(welcome([message(1)], 1));
      expect(sentTexts(second)).toEqual(["x"]);
      second.push({ type: "ack", clientMessageId: idOf(second, "x"), id: 2, duplicate: false });
      expect(sentTexts(second)).toEqual(["x", "y"]);
      // The retry timer of the first socket is gone: nothing else is sent.
      expect(h.runTimersOf(5_000)).toBe(0);
    });

    it("reports a message not acknowledged in time as failed; Retry sends again in order, Discard drops it", async () => {
      const { socket, ...h } = await opened({ lastId: 0 });
      h.client.send("first");
      h.client.send("second");
      h.runTimersOf(10_000);
      expect(h.outbox.entries.map((e) => e.status)).toEqual(["failed", "failed"]);
      h.client.retry();
      expect(h.outbox.entries.map((e) => e.status)).toEqual(["sending", "sending"]);
      expect(sentTexts(socket)).toEqual(["first", "second", "first", "second"]);
      h.client.discard(idOf(socket, "first"));
      expect(h.outbox.entries.map((e) => e.text)).toEqual(["second"]);
      expect(h.client.pending()).toBe(1);
    });

    it("keeps within the room's allowance: a burst beyond it goes one at a time once the rest are acknowledged", async () => {
      const { socket, ...h } = await opened({ lastId: 0 });
      const texts = Array.from({ length: 40 }, (_, i) => `b${i + 1}`);
      for (const text of texts) h.client.send(text);
      // 25 at once (the room takes 30: 5 are kept in hand), then nothing until those are acknowledged.
      expect(sentTexts(socket)).toEqual(texts.slice(0, 25));
      expect(h.outbox.hold).toBe("rate-limited");
      for (const text of texts.slice(0, 24)) {
        socket.push({ type: "ack", clientMessageId: idOf(socket, text), id: Number(text.slice(1)), duplicate: false });
      }
      expect(sentTexts(socket)).toHaveLength(25);
      socket.push({ type: "ack", clientMessageId: idOf(socket, "b25"), id: 25, duplicate: false });
      // Then one at a time, each after the one before is acknowledged, while the allowance lasts…
      for (let n = 26; n <= 30; n++) {
        expect(sentTexts(socket).at(-1)).toBe(`b${n}`);
        socket.push({ type: "ack", clientMessageId: idOf(socket, `b${n}`), id: n, duplicate: false });
      }
      // …and once it is spent, as it refills (5 a second: one every 200 ms).
      expect(sentTexts(socket)).toHaveLength(30);
      h.clock.now += 200;
      expect(h.runTimersOf(200)).toBe(1);
      expect(sentTexts(socket).at(-1)).toBe("b31");
      socket.push({ type: "ack", clientMessageId: idOf(socket, "b31"), id: 31, duplicate: false });
      for (let n = 32; n <= 40; n++) {
        h.clock.now += 200;
        h.runTimers();
        expect(sentTexts(socket).at(-1)).toBe(`b${n}`);
        socket.push({ type: "ack", clientMessageId: idOf(socket, `b${n}`), id: n, duplicate: false });
      }
      expect(sentTexts(socket)).toEqual(texts);
      expect(h.client.pending()).toBe(0);
      expect(h.outbox.hold).toBeNull();
      // Refilled (a few seconds later), messages go at once again.
      h.clock.now += 6_000;
      h.client.send("later 1");
      h.client.send("later 2");
      expect(sentTexts(socket).slice(-2)).toEqual(["later 1", "later 2"]);
      expect(h.outbox.hold).toBeNull();
    });

    it("a new connection has the whole allowance again", async () => {
      const { socket: first, ...h } = await opened({ history: [], lastId: 0, random: () => 1 });
      for (let n = 1; n <= 25; n++) h.client.send(`m${n}`);
      for (let n = 1; n <= 25; n++) {
        first.push({ type: "ack", clientMessageId: idOf(first, `m${n}`), id: n, duplicate: false });
      }
      h.client.send("while low");
      expect(sentTexts(first).at(-1)).toBe("while low");
      expect(h.outbox.hold).toBe("rate-limited");
      h.client.send("queued 1");
      h.client.send("queued 2");
      first.drop();
      h.runTimersOf(500);
      await flush();
      const second = h.sockets[1] as FakeSocket;
      second.open();
      second.push(welcome([], 25));
      // Held: the oldest first, then each in turn (the room takes each clientMessageId once).
      expect(sentTexts(second)).toEqual(["while low"]);
      second.push({ type: "ack", clientMessageId: idOf(first, "while low"), id: 26, duplicate: false });
      expect(sentTexts(second)).toEqual(["while low", "queued 1"]);
      second.push({ type: "ack", clientMessageId: idOf(second, "queued 1"), id: 27, duplicate: false });
      second.push({ type: "ack", clientMessageId: idOf(second, "queued 2"), id: 28, duplicate: false });
      expect(sentTexts(second)).toEqual(["while low", "queued 1", "queued 2"]);
      expect(h.outbox.hold).toBeNull();
      // Back to sending at once on the fresh allowance.
      h.client.send("a");
      h.client.send("b");
      expect(sentTexts(second).slice(-2)).toEqual(["a", "b"]);
    });

    it("takes its own message in the room's history as delivered when the ack was lost", async () => {
      const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
      const id = h.client.send("lost ack");
      first.drop();
      h.runTimersOf(500);
      await flush();
      const second = h.sockets[1] as FakeSocket;
      second.open();
      second.push(welcome([message(1), message(2, "lost ack", { userId: "me", clientMessageId: id })], 2));
      expect(h.outbox.entries).toEqual([]);
      expect(h.client.pending()).toBe(0);
      expect(h.messages.map((m) => m.id)).toEqual([1, 2]);
    });
  });

  it("resumes from the last message seen when the welcome's history starts after it, and delivers in order", async () => {
    const { socket: first, ...h } = await opened({
      history: [message(1), message(2), message(3)],
      lastId: 3,
      random: () => 1,
    });
    expect(h.synced()).toBe(1);
    first.drop();
    h.runTimersOf(500);
    await flush();
    const second = h.sockets[1] as FakeSocket;
    second.open();
    // 9 messages were written while away; the welcome shows only the newest three.
    second.push(welcome([message(10), message(11), message(12)], 12));
    expect(second.sent).toEqual([{ type: "resume", lastId: 3 }]);
    for (let id = 4; id <= 12; id++) second.push({ type: "message", message: message(id) });
    second.push({ type: "resumed", lastId: 12, count: 9 });
    expect(h.messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(h.synced()).toBe(2);
    expect(h.client.lastId).toBe(12);
  });

  it("after a gap too large to resume, reports it and then delivers the newest messages", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
    first.drop();
    h.runTimersOf(500);
    await flush();
    const second = h.sockets[1] as FakeSocket;
    second.open();
    second.push(welcome([message(2000), message(2001)], 2001));
    second.push({ type: "error", code: "resume-too-far", reason: "x" });
    expect(h.gaps()).toBe(1);
    expect(h.messages.map((m) => m.id)).toEqual([1, 2000, 2001]);
  });

  it("announces typing at once, then at a steady beat while typing goes on, and at once again after a send", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    const typingFrames = () => socket.sent.filter((f) => f.type === "typing").length;
    // A keystroke every 100 ms for 6 s: frames at 0, 2.5 and 5 s, never closer than the room accepts (2 s).
    for (let t = 0; t <= 6_000; t += 100) {
      h.clock.now = 1_000_000 + t;
      h.client.typing();
    }
    expect(typingFrames()).toBe(3);
    h.client.send("done");
    h.clock.now += 100;
    h.client.typing();
    expect(typingFrames()).toBe(4);
  });
});
