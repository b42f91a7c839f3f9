// The room's limits as a client meets them: one message allowance per user across all of their sockets (also
// after hibernation), and the frame size counted in UTF-8 bytes, as it travels.
import { env, evictDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, registerUser } from "../../../test/helpers";
import { exceedsUtf8 } from "./read-client-frame";
import { type ChatMessage, MAX_FRAME_BYTES, MESSAGE_POLICY } from "./rooms.schema";

interface Frame {
  type: string;
  [key: string]: unknown;
}

interface Socket {
  ws: WebSocket;
  frames: Frame[];
  closed: Promise<number>;
  next(match: (frame: Frame) => boolean): Promise<Frame>;
}

async function open(client: Client, room: string): Promise<Socket> {
  const res = await client.fetch(`/api/rooms/${room}/ws`, { headers: { Upgrade: "websocket" } });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade failed: ${res.status}`);
  const ws = res.webSocket;
  ws.accept();
  const frames: Frame[] = [];
  const listeners = new Set<() => void>();
  ws.addEventListener("message", (event) => {
    frames.push(JSON.parse(String(event.data)) as Frame);
    for (const listener of listeners) listener();
  });
  const closed = new Promise<number>((resolve) => ws.addEventListener("close", (event) => resolve(event.code)));
  const next = (match: (frame: Frame) => boolean) =>
    new Promise<Frame>((resolve) => {
      const check = () => {
        const found = frames.find(match);
        if (!found) return;
        listeners.delete(check);
        resolve(found);
      };
      listeners.add(check);
      check();
    });
  await next((f) => f.type === "welcome");
  return { ws, frames, closed, next };
}

/** Every answer (ack or rate-limited) to the client message ids in `ids`, once all have come. */
async function answers(sockets: Socket[], ids: string[]) {
  const answered = (f: Frame) =>
    (f.type === "ack" || (f.type === "error" && f.code === "rate-limited")) &&
    ids.includes(f.clientMessageId as string);
  let all = sockets.flatMap((s) => s.frames.filter(answered));
  while (all.length < ids.length) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    all = sockets.flatMap((s) => s.frames.filter(answered));
  }
  return { acked: all.filter((f) => f.type === "ack").length, limited: all.filter((f) => f.type === "error").length };
}

let alice: Awaited<ReturnType<typeof registerUser>>;

beforeAll(async () => {
  alice = await registerUser("alice");
});

/** Messages the allowance refills in `ms` (one every periodMs / limit). */
const refilled = (ms: number) => Math.floor((ms * MESSAGE_POLICY.limit) / MESSAGE_POLICY.periodMs);

describe("the message allowance", () => {
  it("is one per user, however many sockets they open, and survives hibernation", async () => {
    const sockets = await Promise.all(Array.from({ length: 5 }, () => open(alice.client, "per-user")));
    const ids: string[] = [];
    const started = Date.now();
    // 12 each from 5 sockets: each socket stays within a per-connection burst; the user does not.
    for (let i = 0; i < 12; i++) {
      sockets.forEach((socket, s) => {
        const id = `s${s}-${i}`;
        ids.push(id);
        socket.ws.send(JSON.stringify({ type: "message", text: id, clientMessageId: id }));
      });
    }
    const burst = await answers(sockets, ids);
    const elapsed = Date.now() - started;
    expect(burst.acked + burst.limited).toBe(60);
    expect(burst.acked).toBeGreaterThanOrEqual(MESSAGE_POLICY.limit);
    expect(burst.acked).toBeLessThanOrEqual(MESSAGE_POLICY.limit + refilled(elapsed) + 1);
    const page = await (await alice.client.fetch("/api/rooms/per-user/history?limit=100")).json<{
      messages: ChatMessage[];
    }>();
    expect(page.messages).toHaveLength(burst.acked);

    // After hibernation the allowance comes back from the sockets' attachments, not as a fresh burst.
    const afterBurst = Date.now();
    await evictDurableObject(env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName("per-user")), { webSockets: "hibernate" });
    const more = Array.from({ length: 10 }, (_, i) => `after-${i}`);
    for (const id of more) sockets[4]?.ws.send(JSON.stringify({ type: "message", text: id, clientMessageId: id }));
    const again = await answers(sockets, more);
    expect(again.acked).toBeLessThanOrEqual(refilled(Date.now() - afterBurst) + 1);
    expect(again.limited).toBeGreaterThan(0);
    console.log(
      `per-user allowance: 5 sockets × 12 at once → ${burst.acked} stored, ${burst.limited} rate-limited (${elapsed} ms); ` +
        `10 more after hibernation → ${again.acked} stored, ${again.limited} rate-limited`,
    );
    for (const socket of sockets) socket.ws.close();
  });
});

describe("the frame size", () => {
  it("counts UTF-8 bytes: 24 KB of three-byte characters closes the socket with 1009", async () => {
    // 8 000 UTF-16 units (under 16 384) but 24 000 bytes on the wire.
    const socket = await open(alice.client, "frame-bytes");
    socket.ws.send(JSON.stringify({ type: "message", text: "€".repeat(8_000) }));
    const answer = await Promise.race([socket.closed, socket.next((f) => f.type === "error").then((f) => f.code)]);
    expect(answer).toBe(1009);
  });

  it("reads a frame of exactly 16 KiB of two-byte characters, and closes on one byte more", async () => {
    const prefix = '{"type":"message","text":"';
    const exact = `${prefix}${"é".repeat((MAX_FRAME_BYTES - prefix.length - 2) / 2)}"}`;
    expect(new TextEncoder().encode(exact).byteLength).toBe(MAX_FRAME_BYTES);
    const socket = await open(alice.client, "frame-bytes");
    socket.ws.send(exact);
    // Read and refused by the schema (the text is over 4 000 characters), not closed.
    expect((await socket.next((f) => f.type === "error")).code).toBe("invalid-frame");
    const mark = socket.frames.length;
    socket.ws.send(`${exact} `);
    const answer = await Promise.race([
      socket.closed,
      socket.next((f) => f.type === "error" && socket.frames.indexOf(f) >= mark).then((f) => f.code),
    ]);
    expect(answer).toBe(1009);
  });

  it("accepts the longest message of multi-byte characters the UI lets through", async () => {
    const socket = await open(alice.client, "frame-bytes");
    socket.ws.send(JSON.stringify({ type: "message", text: "漢".repeat(4_000), clientMessageId: "cjk" }));
    expect((await socket.next((f) => f.type === "ack")).clientMessageId).toBe("cjk");
    socket.ws.close();
  });

  it("counts surrogate pairs as four bytes and a lone surrogate as three", () => {
    expect(exceedsUtf8("😀".repeat(4_096), MAX_FRAME_BYTES)).toBe(false);
    expect(exceedsUtf8(`${"😀".repeat(4_096)}a`, MAX_FRAME_BYTES)).toBe(true);
    expect(exceedsUtf8("\ud800".repeat(5_461), MAX_FRAME_BYTES)).toBe(false);
    expect(exceedsUtf8("\ud800".repeat(5_462), MAX_FRAME_BYTES)).toBe(true);
    expect(exceedsUtf8("a".repeat(MAX_FRAME_BYTES), MAX_FRAME_BYTES)).toBe(false);
    expect(exceedsUtf8("a".repeat(MAX_FRAME_BYTES + 1), MAX_FRAME_BYTES)).toBe(true);
  });
});
