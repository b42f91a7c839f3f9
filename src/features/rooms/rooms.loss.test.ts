// Jepsen-style set test: C clients each add M uniquely named messages while the room object is evicted at
// random points; every acknowledged message must end up in the history exactly once, in one agreed order, and
// every client must have received every message of that history exactly once, in that order (live or resumed).
import { env, evictDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, registerUser } from "../../../test/helpers";
import type { ChatMessage } from "./rooms.schema";

const C = 10;
const M = 100;
const ROOM = "jepsen";
const SEED = 20261122;

interface Peer {
  name: string;
  client: Client;
  acked: Map<string, number>;
  /** Ids this client delivered to its reader, in order: each id after the last one delivered. */
  seen: number[];
  /** Every id that arrived, delivered or not (a redelivery shows up here only). */
  arrived: number[];
  lastId: number;
  /** Between a welcome and its `resumed`: replayed and live ids wait here, then are delivered in id order. */
  resuming: number[] | null;
  /** `resume-too-far` errors received (the test fails on any). */
  tooFar: number;
  ws: WebSocket | null;
  connected: boolean;
}

function deliver(peer: Peer, ids: number[]): void {
  for (const id of ids) {
    peer.arrived.push(id);
    if (id > peer.lastId) {
      peer.seen.push(id);
      peer.lastId = id;
    }
  }
}

async function open(peer: Peer): Promise<void> {
  const res = await peer.client.fetch(`/api/rooms/${ROOM}/ws`, { headers: { Upgrade: "websocket" } });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade failed: ${res.status}`);
  const ws = res.webSocket;
  ws.accept();
  ws.addEventListener("message", (event) => {
    const frame = JSON.parse(String(event.data));
    if (frame.type === "message" || frame.type === "messages") {
      const messages: ChatMessage[] = frame.type === "message" ? [frame.message] : frame.messages;
      const ids = messages.map((m) => m.id);
      if (peer.resuming) peer.resuming.push(...ids);
      else deliver(peer, ids);
    } else if (frame.type === "ack") {
      peer.acked.set(frame.clientMessageId, frame.id);
    } else if (frame.type === "welcome") {
      // Resume from the last id delivered (0 on the first connection: everything so far). A live message that
      // arrives before `resumed` was stored before the resume was read, so the replay holds it too.
      peer.resuming = [];
      ws.send(JSON.stringify({ type: "resume", lastId: peer.lastId }));
    } else if (frame.type === "resumed") {
      const waiting = peer.resuming ?? [];
      peer.resuming = null;
      deliver(
        peer,
        [...new Set(waiting)].sort((a, b) => a - b),
      );
    } else if (frame.type === "error" && frame.code === "resume-too-far") {
      peer.tooFar++;
    }
  });
  ws.addEventListener("close", () => {
    if (peer.ws === ws) peer.connected = false;
  });
  peer.ws = ws;
  peer.connected = true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let peers: Peer[] = [];

beforeAll(async () => {
  peers = [];
  for (let i = 0; i < C; i++) {
    const { client } = await registerUser(`peer${i}`);
    peers.push({
      name: `peer${i}`,
      client,
      acked: new Map(),
      seen: [],
      arrived: [],
      lastId: 0,
      resuming: null,
      tooFar: 0,
      ws: null,
      connected: false,
    });
  }
});

describe("no message is lost or duplicated across evictions", () => {
  it(`${C} clients × ${M} messages with the room evicted at random points`, async () => {
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(ROOM));
    const evictAt = fc.sample(fc.integer({ min: 1_000, max: 2_500 }), { seed: SEED, numRuns: 20 });
    let evictions = 0;
    let done = 0;

    const runPeer = async (peer: Peer) => {
      await open(peer);
      for (let n = 0; n < M; n++) {
        const id = `${peer.name}-${n}`;
        // Send, and resend with the same client id after a drop, until acknowledged.
        for (let attempt = 0; !peer.acked.has(id); attempt++) {
          if (!peer.connected) await open(peer);
          peer.ws?.send(JSON.stringify({ type: "message", text: id, clientMessageId: id }));
          for (let wait = 0; wait < 40 && !peer.acked.has(id) && peer.connected; wait++) await sleep(10);
          if (attempt > 50) throw new Error(`${id} never acknowledged`);
        }
        await sleep(200); // 5 messages a second: within the allowance
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
    const history: ChatMessage[] = [];
    let before: number | null = null;
    do {
      const query: string = `limit=100${before ? `&before=${before}` : ""}`;
      const reader = (peers[0] as Peer).client;
      const page: { messages: ChatMessage[]; nextBefore: number | null } = await (
        await reader.fetch(`/api/rooms/${ROOM}/history?${query}`)
      ).json();
      history.unshift(...page.messages);
      before = page.nextBefore;
    } while (before);

    // Every client catches up as a reader would: reconnect (and resume) if the last eviction dropped it, then
    // wait (bounded) until it has delivered the newest id. Nothing is timed: a client that never catches up
    // simply shows as incomplete below.
    const newest = history.at(-1)?.id ?? 0;
    for (const peer of peers) if (!peer.connected) await open(peer);
    for (let wait = 0; wait < 200 && peers.some((p) => p.lastId < newest || p.resuming); wait++) await sleep(25);
    for (const peer of peers) peer.ws?.close();

    const counts = new Map<string, number>();
    for (const message of history) counts.set(message.text, (counts.get(message.text) ?? 0) + 1);
    const acked = peers.flatMap((p) => [...p.acked.entries()]);
    const lost = acked.filter(([id]) => !counts.has(id)).length;
    const duplicated = [...counts.values()].filter((n) => n > 1).length;
    const ids = history.map((m) => m.id);
    const ordered = ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? 0));
    const perClientOrder = peers.every((peer) => {
      const mine = history.filter((m) => m.text.startsWith(`${peer.name}-`)).map((m) => Number(m.text.split("-")[1]));
      return mine.every((n, i) => n === i);
    });
    // Per client: what it delivered against the server's final history — every id once, in the history's order.
    const historyIds = new Set(ids);
    const completeness = peers.map((peer) => {
      const delivered = new Set(peer.seen);
      const missing = ids.filter((id) => !delivered.has(id));
      const extra = peer.seen.filter((id) => !historyIds.has(id));
      const inOrder = peer.seen.every((id, i) => i === 0 || id > (peer.seen[i - 1] ?? 0));
      const redelivered = peer.arrived.length - new Set(peer.arrived).size;
      return {
        name: peer.name,
        delivered: peer.seen.length,
        missing,
        extra,
        inOrder,
        redelivered,
        tooFar: peer.tooFar,
      };
    });
    const complete = completeness.filter((c) => c.missing.length === 0 && c.extra.length === 0 && c.inOrder).length;
    console.log(
      `rooms loss test: ${history.length} messages, ${evictions} evictions, ${lost} lost, ${duplicated} duplicated, ` +
        `per-room order ${ordered ? "preserved" : "BROKEN"}, per-client order ${perClientOrder ? "preserved" : "BROKEN"}; ` +
        `${complete}/${C} clients complete (${completeness
          .map(
            (c) =>
              `${c.name} ${c.delivered}/${ids.length}${c.missing.length ? ` missing ${c.missing.slice(0, 5).join(",")}` : ""}`,
          )
          .join("; ")})`,
    );
    expect(acked).toHaveLength(C * M);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(history).toHaveLength(C * M);
    expect(ordered && perClientOrder).toBe(true);
    // Each client received exactly the history, in order: nothing skipped on resume, nothing extra.
    for (const c of completeness) {
      expect({ client: c.name, missing: c.missing, extra: c.extra, inOrder: c.inOrder, tooFar: c.tooFar }).toEqual({
        client: c.name,
        missing: [],
        extra: [],
        inOrder: true,
        tooFar: 0,
      });
      expect(c.delivered).toBe(history.length);
    }
    expect(evictions).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
