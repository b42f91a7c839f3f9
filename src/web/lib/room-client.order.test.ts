// Per-sender order under the room's allowance, end to end on a simulated network: real room clients talk over
// links with latency (and jitter) to a fake room that enforces MESSAGE_POLICY with the ChatRoom's GCRA (edge-kit
// pacing's `decide`, restated below: the web side may not import the kit's pacing module, whose subrequest budget
// needs Node's async_hooks), acknowledges, refuses with retryAfterMs, deduplicates by clientMessageId and broadcasts.
import { describe, expect, it } from "vitest";
import { type ChatMessage, MESSAGE_POLICY } from "../../features/rooms/rooms.schema";
import { createRoomClient, type OutboxEntry, type OutboxHold, type SocketLike } from "./room-client";
import { message } from "./room-client.testkit";

interface GcraState {
  /** The theoretical arrival time: when the bucket is full again. */
  tat: number;
}

/**
 * GCRA as edge-kit's `decide` computes it for MESSAGE_POLICY: each message moves the bucket's "full again" time on
 * by periodMs / limit; one that would put it more than periodMs ahead is refused, with the wait until it would not.
 */
function decide(state: GcraState | null, policy: { limit: number; periodMs: number }, now: number) {
  const interval = policy.periodMs / policy.limit;
  const tat = Math.max(state?.tat ?? now, now) + interval;
  if (tat - now > policy.periodMs) {
    return { allowed: false, retryAfterMs: Math.ceil(tat - now - policy.periodMs), nextState: state };
  }
  return { allowed: true, retryAfterMs: 0, nextState: { tat } };
}

/** mulberry32: a seeded PRNG, so every run of these tests is the same run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Virtual time: timers run in time order, with promises settled between them. */
class Sim {
  now = 1_000_000;
  #seq = 0;
  readonly #queue = new Map<number, { at: number; fn: () => void }>();
  readonly timers = {
    set: (fn: () => void, ms: number) => {
      const id = ++this.#seq;
      this.#queue.set(id, { at: this.now + Math.max(0, ms), fn });
      return id;
    },
    clear: (id: unknown) => {
      this.#queue.delete(id as number);
    },
  };
  async runUntil(done: () => boolean, limitMs: number) {
    const end = this.now + limitMs;
    while (!done()) {
      for (let i = 0; i < 5; i++) await Promise.resolve();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#queue) {
        if (entry[1].at > end) continue;
        if (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[0] < next[0])) next = entry;
      }
      if (!next) break;
      this.#queue.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
    }
  }
}

/** One WebSocket over a network whose delays vary but which, like TCP, keeps each direction in order. */
class Link implements SocketLike {
  readyState = 0;
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  #up = 0;
  #down = 0;
  constructor(
    readonly sim: Sim,
    readonly room: FakeRoom,
    readonly userId: string,
    readonly latency: () => number,
  ) {
    sim.timers.set(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.onopen?.({});
      room.join(this);
    }, latency());
  }
  send(data: string) {
    if (this.readyState !== 1) throw new Error("not open");
    this.#up = Math.max(this.#up, this.sim.now + this.latency());
    // Frames already on the way still arrive after a cut (the room may store a message whose ack is lost).
    this.sim.timers.set(() => this.room.receive(this, data), this.#up - this.sim.now);
  }
  deliver(frame: object) {
    if (this.readyState !== 1) return;
    this.#down = Math.max(this.#down, this.sim.now + this.latency());
    this.sim.timers.set(() => {
      if (this.readyState === 1) this.onmessage?.({ data: JSON.stringify(frame) });
    }, this.#down - this.sim.now);
  }
  close(code = 1000) {
    this.cut(code);
  }
  /** The connection is gone: the room forgets the socket, and the client hears of it a moment later. */
  cut(code = 1006) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.room.leave(this);
    this.sim.timers.set(() => this.onclose?.({ code, reason: "" }), 0);
  }
}

/** The room: one allowance per user (shared by their sockets, kept across reconnects), as the ChatRoom keeps it. */
class FakeRoom {
  readonly log: ChatMessage[] = [];
  readonly buckets = new Map<string, GcraState | null>();
  readonly byClientId = new Map<string, number>();
  readonly links = new Set<Link>();
  refusals = 0;
  constructor(readonly sim: Sim) {}
  join(link: Link) {
    this.links.add(link);
    const you = { userId: link.userId, displayName: link.userId };
    link.deliver({ type: "welcome", you, room: "general", roster: [], history: [], lastId: this.log.length });
  }
  leave(link: Link) {
    this.links.delete(link);
  }
  /** Another device of `userId` sent a message (only its allowance matters here). */
  spend(userId: string) {
    const decision = decide(this.buckets.get(userId) ?? null, MESSAGE_POLICY, this.sim.now);
    if (decision.allowed) this.buckets.set(userId, decision.nextState);
  }
  receive(link: Link, data: string) {
    const frame = JSON.parse(data);
    if (frame.type === "resume") {
      const missed = this.log.filter((m) => m.id > frame.lastId);
      for (const m of missed) link.deliver({ type: "message", message: m });
      link.deliver({ type: "resumed", lastId: this.log.length, count: missed.length });
      return;
    }
    if (frame.type !== "message") return;
    const decision = decide(this.buckets.get(link.userId) ?? null, MESSAGE_POLICY, this.sim.now);
    if (!decision.allowed) {
      this.refusals++;
      const { retryAfterMs } = decision;
      const { clientMessageId } = frame;
      link.deliver({ type: "error", code: "rate-limited", reason: "too fast", retryAfterMs, clientMessageId });
      return;
    }
    this.buckets.set(link.userId, decision.nextState);
    const known = this.byClientId.get(frame.clientMessageId);
    if (known !== undefined) {
      link.deliver({ type: "ack", clientMessageId: frame.clientMessageId, id: known, duplicate: true });
      return;
    }
    const stored = message(this.log.length + 1, frame.text, {
      userId: link.userId,
      clientMessageId: frame.clientMessageId,
    });
    this.log.push(stored);
    this.byClientId.set(frame.clientMessageId, stored.id);
    link.deliver({ type: "ack", clientMessageId: frame.clientMessageId, id: stored.id, duplicate: false });
    for (const other of this.links) other.deliver({ type: "message", message: stored });
  }
}

function client(sim: Sim, room: FakeRoom, userId: string, latency: () => number, random: () => number) {
  const links: Link[] = [];
  const shown: ChatMessage[] = [];
  let outbox: { entries: OutboxEntry[]; hold: OutboxHold } = { entries: [], hold: null };
  const room_ = createRoomClient({
    url: () => "wss://outpost.test/api/rooms/general/ws",
    connect: () => {
      const link = new Link(sim, room, userId, latency);
      links.push(link);
      return link;
    },
    timers: sim.timers,
    now: () => sim.now,
    random,
    heartbeatMs: 3_600_000,
    isOnline: () => true,
    on: {
      message: (m) => shown.push(m),
      outbox: (entries, hold) => {
        outbox = { entries, hold };
      },
    },
  });
  return { room: room_, links, shown, outbox: () => outbox };
}

const texts = (messages: ChatMessage[], prefix: string) =>
  messages.map((m) => m.text).filter((text) => text.startsWith(prefix));

describe("per-sender order under the room's allowance", () => {
  it("60 messages written at once arrive everywhere in the order written", async () => {
    const sim = new Sim();
    const room = new FakeRoom(sim);
    const random = seeded(1);
    const latency = () => 30 + Math.round(random() * 50);
    const sender = client(sim, room, "ada", latency, random);
    const reader = client(sim, room, "bob", latency, random);
    await sim.runUntil(() => sender.room.state === "open" && reader.room.state === "open", 5_000);
    const written = Array.from({ length: 60 }, (_, i) => `m${i + 1}`);
    const start = sim.now;
    for (const text of written) sender.room.send(text);
    await sim.runUntil(() => reader.shown.length === 60 && sender.outbox().entries.length === 0, 60_000);
    expect(texts(room.log, "m")).toEqual(written);
    expect(texts(reader.shown, "m")).toEqual(written);
    expect(texts(sender.shown, "m")).toEqual(written);
    expect(sender.outbox()).toEqual({ entries: [], hold: null });
    // 30 at once (one round trip each), then 5 a second: all in within about 6.5 s of virtual time.
    expect(sim.now - start).toBeLessThan(9_000);
  });

  it("40 messages with jitter, a second device spending the same allowance, and a dropped connection", async () => {
    const sim = new Sim();
    const room = new FakeRoom(sim);
    const random = seeded(42);
    // 5–250 ms each way, frame by frame (each direction stays in order, as over TCP).
    const latency = () => 5 + Math.round(random() * 245);
    const phone = client(sim, room, "ada", latency, random);
    const laptop = client(sim, room, "ada", latency, random);
    const reader = client(sim, room, "bob", latency, random);
    await sim.runUntil(() => [phone, laptop, reader].every((c) => c.room.state === "open"), 5_000);
    // A third device of the same user has just spent most of the allowance: neither client can know.
    for (let i = 0; i < 20; i++) room.spend("ada");
    const fromPhone = Array.from({ length: 40 }, (_, i) => `p${i + 1}`);
    const fromLaptop = Array.from({ length: 20 }, (_, i) => `l${i + 1}`);
    // Written over about two seconds, on both devices at once.
    let at = 0;
    for (const text of fromPhone) {
      at += Math.round(random() * 100);
      sim.timers.set(() => phone.room.send(text), at);
    }
    for (let i = 0; i < fromLaptop.length; i++) sim.timers.set(() => laptop.room.send(fromLaptop[i] ?? ""), i * 40);
    // The phone's connection drops in the middle of it (frames on their way still reach the room).
    sim.timers.set(() => phone.links.at(-1)?.cut(), 1_500);
    const all = () => room.log.length === 60 && [phone, laptop].every((c) => c.room.pending() === 0);
    await sim.runUntil(() => all() && reader.shown.length === 60, 120_000);
    expect(texts(room.log, "p")).toEqual(fromPhone);
    expect(texts(room.log, "l")).toEqual(fromLaptop);
    expect(room.log).toHaveLength(60);
    expect(texts(reader.shown, "p")).toEqual(fromPhone);
    expect(texts(reader.shown, "l")).toEqual(fromLaptop);
    // The devices' reckonings were wrong (they share one allowance): the room did refuse, and order held.
    expect(room.refusals).toBeGreaterThan(0);
    expect(phone.links.length).toBeGreaterThan(1);
    await sim.runUntil(() => false, 15_000);
    expect(phone.outbox()).toEqual({ entries: [], hold: null });
    expect(laptop.outbox()).toEqual({ entries: [], hold: null });
  });

  it("the same room reorders a client that sends each message at once and re-sends what is refused (the defect)", async () => {
    const sim = new Sim();
    const room = new FakeRoom(sim);
    const random = seeded(42);
    const latency = () => 5 + Math.round(random() * 245);
    const link = new Link(sim, room, "ada", latency);
    const sendText = (text: string) =>
      link.send(JSON.stringify({ type: "message", clientMessageId: `c-${text}`, text }));
    link.onmessage = (event) => {
      const frame = JSON.parse(String(event.data));
      if (frame.type === "error")
        sim.timers.set(() => sendText(String(frame.clientMessageId).slice(2)), frame.retryAfterMs);
    };
    await sim.runUntil(() => link.readyState === 1, 5_000);
    const written = Array.from({ length: 40 }, (_, i) => `n${i + 1}`);
    let at = 0;
    for (const text of written) {
      at += Math.round(random() * 100);
      sim.timers.set(() => sendText(text), at);
    }
    await sim.runUntil(() => room.log.length === 40, 60_000);
    expect(room.refusals).toBeGreaterThan(0);
    expect(texts(room.log, "n")).not.toEqual(written);
  });
});
