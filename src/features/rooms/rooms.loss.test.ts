// Jepsen-style set test: C clients each add M uniquely named messages while the room object is evicted at
// random points; every acknowledged message must end up in the history exactly once, in one agreed order.
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
  /** Ids of every message this client saw, in arrival order (live and resumed). */
  seen: number[];
  lastId: number;
}

async function open(peer: Peer, onClose: () => void): Promise<WebSocket> {
  const res = await peer.client.fetch(`/api/rooms/${ROOM}/ws`, { headers: { Upgrade: "websocket" } });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade failed: ${res.status}`);
  const ws = res.webSocket;
  ws.accept();
  ws.addEventListener("message", (event) => {
    const frame = JSON.parse(String(event.data));
    if (frame.type === "message" || frame.type === "messages") {
      const messages: ChatMessage[] = frame.type === "message" ? [frame.message] : frame.messages;
      for (const { id } of messages) {
        if (id > peer.lastId) {
          peer.seen.push(id);
          peer.lastId = id;
        }
      }
    } else if (frame.type === "ack") {
      peer.acked.set(frame.clientMessageId, frame.id);
    } else if (frame.type === "welcome" && peer.lastId > 0) {
      ws.send(JSON.stringify({ type: "resume", lastId: peer.lastId }));
    }
  });
  ws.addEventListener("close", onClose);
  return ws;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let peers: Peer[] = [];

beforeAll(async () => {
  peers = [];
  for (let i = 0; i < C; i++) {
    const { client } = await registerUser(`peer${i}`);
    peers.push({ name: `peer${i}`, client, acked: new Map(), seen: [], lastId: 0 });
  }
});

describe("no message is lost or duplicated across evictions", () => {
  it(`${C} clients × ${M} messages with the room evicted at random points`, async () => {
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(ROOM));
    const evictAt = fc.sample(fc.integer({ min: 1_000, max: 2_500 }), { seed: SEED, numRuns: 20 });
    let evictions = 0;
    let done = 0;

    const runPeer = async (peer: Peer) => {
      let ws: WebSocket | null = null;
      let connected = false;
      const connect = async () => {
        connected = true;
        ws = await open(peer, () => {
          connected = false;
        });
      };
      await connect();
      for (let n = 0; n < M; n++) {
        const id = `${peer.name}-${n}`;
        // Send, and resend with the same client id after a drop, until acknowledged.
        for (let attempt = 0; !peer.acked.has(id); attempt++) {
          if (!connected) await connect();
          (ws as WebSocket | null)?.send(JSON.stringify({ type: "message", text: id, clientMessageId: id }));
          for (let wait = 0; wait < 40 && !peer.acked.has(id) && connected; wait++) await sleep(10);
          if (attempt > 50) throw new Error(`${id} never acknowledged`);
        }
        await sleep(200); // 5 messages a second: within the per-connection allowance
      }
      done++;
      return () => (ws as WebSocket | null)?.close();
    };

    const chaos = (async () => {
      for (const delay of evictAt) {
        await sleep(delay);
        if (done === C) return;
        await evictDurableObject(stub, { webSockets: "close" });
        evictions++;
      }
    })();
    const closers = await Promise.all(peers.map(runPeer));
    await chaos;
    // Let every client catch up with a final resume so all of them have seen everything.
    await sleep(300);
    for (const close of closers) close();

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
    const agreed = peers.every((peer) => peer.seen.every((id, i) => i === 0 || id > (peer.seen[i - 1] ?? 0)));
    console.log(
      `rooms loss test: ${history.length} messages, ${evictions} evictions, ${lost} lost, ${duplicated} duplicated, ` +
        `per-room order ${ordered ? "preserved" : "BROKEN"}, per-client order ${perClientOrder ? "preserved" : "BROKEN"}`,
    );
    expect(acked).toHaveLength(C * M);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(history).toHaveLength(C * M);
    expect(ordered && perClientOrder && agreed).toBe(true);
    expect(evictions).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
