// The inbox socket's client, driven by a fake socket and fake timers: frames parsed with the shared schema (others
// skipped, said once), unread count and new entries passed on (a repeated entry once), reconnects with jittered
// backoff, a heartbeat that closes a dead connection, and a stop on 4401 (session ended).
import { describe, expect, it } from "vitest";
import type { InboxEntry } from "../../features/inbox/inbox.schema";
import { createInboxClient, type InboxClientEvents, type InboxSocketLike, seenInRoom } from "./inbox-client";

interface FakeSocket extends InboxSocketLike {
  sent: string[];
  closed: { code?: number; reason?: string } | null;
  readyState: number;
}

function harness(on: InboxClientEvents = {}, random = () => 0.5) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; id: number }[] = [];
  let nextId = 1;
  const warnings: string[] = [];
  const client = createInboxClient({
    url: () => "wss://outpost.test/api/inbox/ws",
    connect: () => {
      const socket: FakeSocket = {
        readyState: 1,
        sent: [],
        closed: null,
        send(data) {
          this.sent.push(data);
        },
        close(code, reason) {
          this.closed = { code, reason };
        },
        onopen: null,
        onmessage: null,
        onclose: null,
        onerror: null,
      };
      sockets.push(socket);
      return socket;
    },
    random,
    baseDelayMs: 1_000,
    maxDelayMs: 8_000,
    heartbeatMs: 30_000,
    isOnline: () => true,
    warn: (message) => warnings.push(message),
    timers: {
      set: (fn, ms) => {
        const id = nextId++;
        timers.push({ fn, ms, id });
        return id;
      },
      clear: (handle) => {
        const at = timers.findIndex((t) => t.id === handle);
        if (at >= 0) timers.splice(at, 1);
      },
    },
    on,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const last = () => sockets.at(-1) as FakeSocket;
  const push = (frame: unknown, socket = last()) => socket.onmessage?.({ data: JSON.stringify(frame) });
  /** Runs the timer due next (the heartbeat or a reconnect). */
  const tick = () => {
    const timer = timers.shift();
    timer?.fn();
    return timer?.ms;
  };
  const drop = (code = 1006, socket = last()) => socket.onclose?.({ code, reason: "" });
  return { client, sockets, timers, warnings, settle, last, push, tick, drop };
}

const entry = (id: number, over: Partial<InboxEntry> = {}): InboxEntry => ({
  id,
  kind: "mention",
  room: "general",
  messageId: 40 + id,
  threadRootId: null,
  from: { userId: "u2", displayName: "Bob" },
  excerpt: `hey @Ada ${id}`,
  createdAt: "2026-12-01T10:00:00.000Z",
  receivedAt: "2026-12-01T10:00:01.000Z",
  read: false,
  ...over,
});

describe("the inbox client", () => {
  it("passes on the unread count and new entries; a repeated entry is announced once", async () => {
    const unread: number[] = [];
    const entries: number[] = [];
    const hellos: number[] = [];
    const h = harness({
      unread: (n) => unread.push(n),
      entry: (e) => entries.push(e.id),
      hello: (n, latest) => hellos.push(n * 100 + latest.length),
    });
    await h.settle();
    h.last().onopen?.({});
    h.push({ type: "hello", unread: 2, latest: [entry(1), entry(2)] });
    expect(h.client.state).toBe("open");
    h.push({ type: "entry", entry: entry(3), unread: 3 });
    h.push({ type: "entry", entry: entry(3), unread: 3 });
    h.push({ type: "entry", entry: entry(2), unread: 3 });
    h.push({ type: "read", unread: 1, ids: [1, 3], all: false });
    expect(hellos).toEqual([202]);
    expect(entries).toEqual([3]);
    expect(unread).toEqual([2, 3, 1]);
    expect(h.client.unread).toBe(1);
    h.client.close();
  });

  it("skips frames that are not in the protocol, says so once, and keeps going", async () => {
    const entries: number[] = [];
    const h = harness({ entry: (e) => entries.push(e.id) });
    await h.settle();
    h.push({ type: "hello", unread: 0, latest: [] });
    h.last().onmessage?.({ data: "not json" });
    h.push({ type: "entry", entry: { id: 9 }, unread: 1 });
    h.push({ type: "surprise" });
    h.push({ type: "entry", entry: entry(4), unread: 1 });
    expect(entries).toEqual([4]);
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]).toMatch(/^inbox: skipped a frame not in the protocol/);
    expect(h.client.unread).toBe(1);
    h.client.close();
  });

  it("reconnects after a drop with jittered, growing, capped delays, and resets after a hello", async () => {
    const states: string[] = [];
    const h = harness({ state: (s) => states.push(s) }, () => 1);
    await h.settle();
    const delays: (number | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      h.drop();
      delays.push(h.tick());
      await h.settle();
    }
    // random() = 1: the whole window, 1 s doubling up to the 8 s cap.
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(h.sockets).toHaveLength(6);
    h.push({ type: "hello", unread: 0, latest: [] });
    h.drop();
    expect(h.tick()).toBe(1_000);
    expect(states).toContain("reconnecting");
    h.client.close();
    expect(h.client.state).toBe("closed");
  });

  it("spreads reconnects with full jitter", async () => {
    const h = harness({}, () => 0.25);
    await h.settle();
    h.drop();
    expect(h.timers[0]?.ms).toBe(250);
    h.client.close();
  });

  it("pings on a beat, and closes a connection that answers nothing for a whole beat", async () => {
    const h = harness();
    await h.settle();
    const socket = h.last();
    socket.onopen?.({});
    expect(h.tick()).toBe(30_000);
    expect(socket.sent).toEqual(['{"type":"ping"}']);
    h.push({ type: "pong" });
    h.tick();
    expect(socket.sent).toHaveLength(2);
    expect(socket.closed).toBeNull();
    // No pong this time: the next beat closes it, and the close schedules a reconnect.
    h.tick();
    expect(socket.closed?.code).toBe(4000);
    h.drop(4000, socket);
    expect(h.client.state).toBe("reconnecting");
    h.client.close();
  });

  it("stops on 4401 (session ended) and carries on only when resumed", async () => {
    let ended = 0;
    const h = harness({ sessionEnded: () => ended++ });
    await h.settle();
    h.drop(4401);
    expect(ended).toBe(1);
    expect(h.client.state).toBe("closed");
    expect(h.timers).toHaveLength(0);
    h.client.resume();
    await h.settle();
    expect(h.sockets).toHaveLength(2);
    h.client.close();
  });

  it("closes for good: no reconnect after close(), and frames from an old socket are ignored", async () => {
    const unread: number[] = [];
    const h = harness({ unread: (n) => unread.push(n) });
    await h.settle();
    const first = h.last();
    h.drop(1006, first);
    h.tick();
    await h.settle();
    h.push({ type: "hello", unread: 5, latest: [] }, first);
    expect(unread).toEqual([]);
    h.client.close();
    expect(h.last().closed?.code).toBe(1000);
    h.drop(1000);
    expect(h.timers).toHaveLength(0);
  });
});

describe("seenInRoom", () => {
  it("picks the unread main-timeline entries of the room on screen; thread replies and other rooms stay unread", () => {
    const entries = [
      entry(1),
      entry(2, { read: true }),
      entry(3, { kind: "reply", threadRootId: 7 }),
      entry(4, { room: "random" }),
      entry(5, { kind: "room-mention" }),
    ];
    expect(seenInRoom(entries, "general")).toEqual([1, 5]);
    expect(seenInRoom(entries, "nowhere")).toEqual([]);
  });
});
