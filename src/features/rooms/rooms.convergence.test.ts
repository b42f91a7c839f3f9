// Convergence under faults (extends the loss test): C clients each make M operations — messages, edits, deletes,
// reactions and thread replies — while the room object is evicted at random points. Each client materialises the
// room with the UI's RoomLog from the frames it receives (live, and replayed on resume after a reconnect). At the
// end every client's view must equal the server's history as that client reads it over HTTP (timeline + threads),
// no acknowledged operation may be lost and no message stored twice.
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, registerUser } from "../../../test/helpers";
import { RoomLog } from "../../web/lib/room-log";
import type { ChatRoom } from "./chat-room";
import type { ChatMessage, HistoryPage, RoomEvent, ThreadPage } from "./rooms.schema";

const C = 10;
const M = 100;
const ROOM = "converge";
const SEED = 20261202;
const EMOJI = ["👍", "🎉", "❤️", "🚀"];

interface Peer {
  name: string;
  userId: string;
  client: Client;
  log: RoomLog;
  ws: WebSocket | null;
  connected: boolean;
  /** Answers by clientMessageId / opId: the ack's or done's id, or the error code. */
  answers: Map<string, { id?: number; code?: string; retryAfterMs?: number }>;
  ackedMessages: Map<string, number>;
  doneEvents: number[];
  tooFar: number;
  connections: number;
}

/** A small seeded PRNG (fast-check's samples lean to edge values: fine for properties, not for an even mix). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function open(peer: Peer): Promise<void> {
  const res = await peer.client.fetch(`/api/rooms/${ROOM}/ws`, { headers: { Upgrade: "websocket" } });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade failed: ${res.status}`);
  const ws = res.webSocket;
  ws.accept();
  peer.connections++;
  let buffered: ({ message: ChatMessage } | { event: RoomEvent })[] | null = null;
  let resumeFrom = 0;
  ws.addEventListener("message", (event) => {
    const frame = JSON.parse(String(event.data));
    switch (frame.type) {
      case "welcome":
        // Resume from the newest id applied (0 at first: the whole log). The welcome's history is not applied:
        // the replay brings every message after that id as it is now, and every event about older ones.
        resumeFrom = peer.log.lastId;
        buffered = [];
        ws.send(JSON.stringify({ type: "resume", lastId: resumeFrom }));
        return;
      case "resumed": {
        // Until `resumed`, replayed and live frames are mixed: both were stored before the resume was read, so
        // each message's last copy is as it is now, and events about messages after the resume point are already
        // in those copies. Applied in id order, once each.
        const entries = buffered ?? [];
        buffered = null;
        const messages = new Map<number, ChatMessage>();
        const events = new Map<number, RoomEvent>();
        for (const entry of entries) {
          if ("message" in entry) messages.set(entry.message.id, entry.message);
          else if (entry.event.messageId <= resumeFrom) events.set(entry.event.id, entry.event);
        }
        const ordered = [
          ...[...messages.values()].map((message) => ({ id: message.id, message })),
          ...[...events.values()].map((event) => ({ id: event.id, event })),
        ];
        for (const entry of ordered.sort((a, b) => a.id - b.id)) {
          if ("message" in entry) peer.log.message(entry.message);
          else peer.log.event(entry.event);
        }
        return;
      }
      case "message":
        if (buffered) buffered.push({ message: frame.message });
        else peer.log.message(frame.message);
        return;
      case "messages":
        for (const message of frame.messages) {
          if (buffered) buffered.push({ message });
          else peer.log.message(message);
        }
        return;
      case "event":
        if (buffered) buffered.push({ event: frame.event });
        else peer.log.event(frame.event);
        return;
      case "ack":
        peer.answers.set(frame.clientMessageId, { id: frame.id });
        return;
      case "done":
        peer.answers.set(frame.opId, { id: frame.id });
        return;
      case "error":
        if (frame.code === "resume-too-far") peer.tooFar++;
        if (frame.clientMessageId || frame.opId) {
          peer.answers.set(frame.clientMessageId ?? frame.opId, { code: frame.code, retryAfterMs: frame.retryAfterMs });
        }
        return;
    }
  });
  ws.addEventListener("close", () => {
    if (peer.ws === ws) peer.connected = false;
  });
  peer.ws = ws;
  peer.connected = true;
}

/** The frame for operation `n` of `peer`, chosen from what its own view holds (its key: clientMessageId or opId). */
function nextOp(peer: Peer, n: number, rand: () => number): { key: string; frame: Record<string, unknown> } {
  const key = `${peer.name}-${n}`;
  const all = [...peer.log.messages.values()].filter((m) => m.deletedAt === null);
  const mine = all.filter((m) => m.userId === peer.userId);
  const roots = all.filter((m) => m.threadRootId === null);
  const pick = <T>(list: T[]): T | undefined => list[Math.floor(rand() * list.length)];
  const roll = rand();
  const reacted = all.filter((m) => m.reactions.some((r) => r.mine));
  if (roll < 0.08 && reacted.length > 0) {
    const target = pick(reacted) as ChatMessage;
    const emoji = (pick(target.reactions.filter((r) => r.mine)) as { emoji: string }).emoji;
    return { key, frame: { type: "react", messageId: target.id, emoji, add: false, opId: key } };
  }
  if (roll < 0.2 && all.length > 0) {
    const target = pick(all) as ChatMessage;
    const emoji = pick(EMOJI) as string;
    const had = target.reactions.find((r) => r.emoji === emoji)?.mine ?? false;
    return { key, frame: { type: "react", messageId: target.id, emoji, add: !had, opId: key } };
  }
  if (roll < 0.35 && mine.length > 0) {
    const target = pick(mine) as ChatMessage;
    return { key, frame: { type: "edit", messageId: target.id, text: `${key} (edit of ${target.id})`, opId: key } };
  }
  if (roll < 0.43 && mine.length > 0) {
    return { key, frame: { type: "delete", messageId: (pick(mine) as ChatMessage).id, opId: key } };
  }
  if (roll < 0.6 && roots.length > 0) {
    const root = pick(roots) as ChatMessage;
    return { key, frame: { type: "message", text: key, clientMessageId: key, threadRootId: root.id } };
  }
  return { key, frame: { type: "message", text: key, clientMessageId: key } };
}

/** The server's view for one reader: the whole timeline and every thread, over HTTP. */
async function serverView(client: Client): Promise<Map<number, ChatMessage>> {
  const all = new Map<number, ChatMessage>();
  let before: number | null = null;
  do {
    const query: string = `limit=100${before ? `&before=${before}` : ""}`;
    const page: HistoryPage = await (await client.fetch(`/api/rooms/${ROOM}/history?${query}`)).json();
    for (const m of page.messages) all.set(m.id, m);
    before = page.nextBefore;
  } while (before);
  for (const root of [...all.values()].filter((m) => m.replyCount > 0)) {
    let after = 0;
    for (;;) {
      const page: ThreadPage = await (
        await client.fetch(`/api/rooms/${ROOM}/threads/${root.id}?limit=100&after=${after}`)
      ).json();
      for (const m of page.replies) all.set(m.id, m);
      if (page.nextAfter === null) break;
      after = page.nextAfter;
    }
  }
  return all;
}

let peers: Peer[] = [];

beforeAll(async () => {
  peers = [];
  for (let i = 0; i < C; i++) {
    const { client, user } = await registerUser(`conv${i}`);
    peers.push({
      name: `conv${i}`,
      userId: user.id,
      client,
      log: new RoomLog(user.id),
      ws: null,
      connected: false,
      answers: new Map(),
      ackedMessages: new Map(),
      doneEvents: [],
      tooFar: 0,
      connections: 0,
    });
  }
});

describe("every client converges to the server's history across evictions", () => {
  it(`${C} clients × ${M} operations (messages, edits, deletes, reactions, thread replies)`, async () => {
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(ROOM));
    const evictAt = fc.sample(fc.integer({ min: 1_000, max: 2_500 }), { seed: SEED, numRuns: 20 });
    let evictions = 0;
    let done = 0;
    let operations = 0;
    const kinds = new Map<string, number>();
    const kindOf = (frame: Record<string, unknown>) =>
      frame.type === "message"
        ? frame.threadRootId
          ? "reply"
          : "message"
        : frame.type === "react"
          ? frame.add
            ? "react+"
            : "react-"
          : String(frame.type);

    const runPeer = async (peer: Peer, index: number) => {
      const rand = mulberry32(SEED + index);
      await open(peer);
      for (let n = 0; n < M; n++) {
        // Wait for the first replay so the choice is made from a real view.
        for (let wait = 0; wait < 100 && peer.log.lastId === 0 && n > 0; wait++) await sleep(10);
        const { key, frame } = nextOp(peer, n, rand);
        for (let attempt = 0; ; attempt++) {
          if (attempt > 60) throw new Error(`${key} never answered`);
          if (!peer.connected) await open(peer);
          peer.answers.delete(key);
          peer.ws?.send(JSON.stringify(frame));
          for (let wait = 0; wait < 40 && !peer.answers.has(key) && peer.connected; wait++) await sleep(10);
          const answer = peer.answers.get(key);
          if (!answer) continue;
          if (answer.code === "rate-limited" || answer.code === "not-stored") {
            await sleep(answer.retryAfterMs ?? 100);
            continue;
          }
          if (answer.id !== undefined && frame.type === "message") peer.ackedMessages.set(key, answer.id);
          else if (answer.id) peer.doneEvents.push(answer.id);
          break;
        }
        operations++;
        kinds.set(kindOf(frame), (kinds.get(kindOf(frame)) ?? 0) + 1);
        await sleep(200); // 5 operations a second: within the allowance
      }
      done++;
    };

    const chaos = (async () => {
      for (const delay of evictAt) {
        await sleep(delay);
        if (done === C) return;
        await evictDurableObject(stub, { webSockets: "close" });
        evictions++;
      }
    })();
    await Promise.all(peers.map(runPeer));
    await chaos;

    // Every client catches up as a reader would: reconnect (and resume) if dropped, then wait (bounded) until it
    // has applied the newest log id.
    const newest = await runInDurableObject(stub, (room: ChatRoom) => room.store.lastId());
    const storedEvents = await runInDurableObject(stub, (_room: ChatRoom, state) =>
      state.storage.sql
        .exec<{ id: number }>("SELECT id FROM events")
        .toArray()
        .map((e) => e.id),
    );
    for (const peer of peers) if (!peer.connected) await open(peer);
    for (let wait = 0; wait < 200 && peers.some((p) => p.log.lastId < newest); wait++) await sleep(25);

    const views = await Promise.all(peers.map((peer) => serverView(peer.client)));
    for (const peer of peers) peer.ws?.close();
    const server = views[0] as Map<number, ChatMessage>;
    const texts = new Map<string, number>();
    for (const m of server.values()) if (m.deletedAt === null) texts.set(m.text, (texts.get(m.text) ?? 0) + 1);
    const clientIds = new Map<string, number>();
    for (const m of server.values())
      if (m.clientMessageId) clientIds.set(m.clientMessageId, (clientIds.get(m.clientMessageId) ?? 0) + 1);
    const acked = peers.flatMap((p) => [...p.ackedMessages.entries()]);
    const storedEventIds = new Set(storedEvents);
    const lost =
      acked.filter(([key, id]) => server.get(id)?.clientMessageId !== key).length +
      peers.flatMap((p) => p.doneEvents).filter((id) => !storedEventIds.has(id)).length;
    const duplicated = [...clientIds.values()].filter((n) => n > 1).length;
    const differences = peers.map((peer, i) => {
      const view = views[i] as Map<number, ChatMessage>;
      const mine = peer.log.messages;
      const ids = new Set([...view.keys(), ...mine.keys()]);
      const differ = [...ids].filter((id) => JSON.stringify(view.get(id)) !== JSON.stringify(mine.get(id)));
      return {
        name: peer.name,
        differ: differ.length,
        first: differ[0],
        server: view.get(differ[0] ?? 0),
        client: mine.get(differ[0] ?? 0),
      };
    });
    const equal = differences.every((d) => d.differ === 0);
    const counts = {
      messages: server.size,
      replies: [...server.values()].filter((m) => m.threadRootId !== null).length,
      events: storedEvents.length,
    };
    console.log(
      `rooms convergence test: ${operations} operations, ${evictions} evictions, ${lost} lost, ${duplicated} duplicated, ` +
        `${
          equal
            ? "all clients equal"
            : `clients DIFFER (${differences
                .filter((d) => d.differ)
                .map((d) => `${d.name}: ${d.differ}`)
                .join(", ")})`
        }; ` +
        `${counts.messages} messages (${counts.replies} thread replies), ${counts.events} events, ` +
        `${peers.reduce((n, p) => n + p.connections, 0)} connections; sent: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")}`,
    );
    for (const d of differences.filter((d) => d.differ > 0)) {
      console.log(
        `${d.name} differs on ${d.first}:\n server ${JSON.stringify(d.server)}\n client ${JSON.stringify(d.client)}`,
      );
    }
    for (const d of differences) {
      expect({ name: d.name, differ: d.differ, server: d.server, client: d.client }).toEqual({
        name: d.name,
        differ: 0,
        server: undefined,
        client: undefined,
      });
    }
    expect(operations).toBe(C * M);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(peers.reduce((n, p) => n + p.tooFar, 0)).toBe(0);
    expect(evictions).toBeGreaterThanOrEqual(3);
  }, 180_000);
});
