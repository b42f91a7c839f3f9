// Retention and `resume-too-far`: a room keeps its newest ROOM_RETENTION messages (whole rows, trimmed on every
// 100th message), and a client that resumes from before what is kept, or from more than RESUME_MAX back, is
// told to read the history over HTTP instead of getting a replay with a hole in it.
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, registerUser } from "../../../test/helpers";
import { connectRoom, type Frame, type Socket } from "../../../test/room-socket";
import type { ChatRoom } from "./chat-room";
import { type ChatMessage, RESUME_MAX, ServerFrameSchema } from "./rooms.schema";

let alice: { client: Client; user: { id: string } };

beforeAll(async () => {
  alice = await registerUser("alice");
});

const stubOf = (room: string) => env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room));

/** Stores `count` messages straight into the room's store (ids continue from the last one). */
async function fill(room: string, count: number): Promise<void> {
  await runInDurableObject(stubOf(room), (chat: ChatRoom) => {
    const now = Date.now();
    for (let i = 0; i < count; i++) {
      const next = chat.store.lastId() + 1;
      chat.store.insert({ userId: alice.user.id, displayName: "alice", text: `m${next}`, now });
    }
  });
}

const kept = (room: string) =>
  runInDurableObject(stubOf(room), (chat: ChatRoom) => ({
    first: chat.store.firstId(),
    last: chat.store.lastId(),
    count: chat.store.after(0, 1_000_000).length,
  }));

/** Sends a resume and waits for its answer: the replayed messages and `resumed`, or the error frame. */
async function resume(socket: Socket, lastId: number): Promise<{ replay: ChatMessage[]; end: Frame }> {
  const mark = socket.frames.length;
  socket.send({ type: "resume", lastId });
  const end = await socket.next((f) => f.type === "resumed" || f.type === "error", mark);
  expect(ServerFrameSchema.safeParse(end).success).toBe(true);
  return { replay: socket.messages(mark), end };
}

describe("retention", () => {
  it("keeps the newest ROOM_RETENTION messages, whole, trimming when the 100th message after is stored", async () => {
    const keep = Number(env.ROOM_RETENTION);
    const socket = await connectRoom(alice.client, "retained");
    await fill("retained", keep + 99);
    // Not yet: trimming happens when a message whose id is a multiple of 100 is stored.
    expect(await kept("retained")).toEqual({ first: 1, last: keep + 99, count: keep + 99 });
    socket.send({ type: "message", text: `m${keep + 100}`, clientMessageId: "hundredth" });
    const ack = await socket.next((f) => f.type === "ack");
    expect(ack.id).toBe(keep + 100);
    expect(await kept("retained")).toEqual({ first: 101, last: keep + 100, count: keep });
    // The oldest kept messages are whole rows, readable over HTTP; nothing before them.
    const res = await alice.client.fetch("/api/rooms/retained/history?before=103&limit=100");
    expect(res.status).toBe(200);
    const page = await res.json<{ messages: ChatMessage[]; nextBefore: number | null }>();
    expect(page.messages.map((m) => [m.id, m.text, m.userId])).toEqual([
      [101, "m101", alice.user.id],
      [102, "m102", alice.user.id],
    ]);
    expect(page.nextBefore).toBeNull();
    socket.ws.close();
  });

  it(`replays exactly RESUME_MAX (${RESUME_MAX}) missed messages, and refuses one more with resume-too-far`, async () => {
    const socket = await connectRoom(alice.client, "resume-max");
    await fill("resume-max", RESUME_MAX + 100);
    const { last } = await kept("resume-max");
    const ok = await resume(socket, last - RESUME_MAX);
    expect(ok.end).toEqual({ type: "resumed", lastId: last, count: RESUME_MAX });
    expect(ok.replay.map((m) => m.id)).toEqual(Array.from({ length: RESUME_MAX }, (_, i) => last - RESUME_MAX + 1 + i));
    const tooFar = await resume(socket, last - RESUME_MAX - 1);
    expect(tooFar.end).toMatchObject({ type: "error", code: "resume-too-far" });
    expect(tooFar.replay).toEqual([]);
    // The error leaves the socket open: live messages still arrive.
    socket.send({ type: "message", text: "still here", clientMessageId: "after-too-far" });
    await socket.next((f) => f.type === "message" && (f.message as ChatMessage).text === "still here");
    socket.ws.close();
  });
});

describe("resume-too-far after retention", () => {
  it("a client resuming from before the oldest kept message gets resume-too-far, never a replay with a hole", async () => {
    const socket = await connectRoom(alice.client, "trimmed");
    await fill("trimmed", 250);
    await runInDurableObject(stubOf("trimmed"), (chat: ChatRoom) => chat.store.enforceRetention(100));
    expect(await kept("trimmed")).toEqual({ first: 151, last: 250, count: 100 });

    for (const lastId of [0, 1, 100, 149]) {
      const answer = await resume(socket, lastId);
      expect({ from: lastId, ...answer.end }).toMatchObject({ from: lastId, type: "error", code: "resume-too-far" });
      expect(answer.replay).toEqual([]);
    }
    // From just before the oldest kept message: everything kept, in order, nothing missing.
    const whole = await resume(socket, 150);
    expect(whole.end).toEqual({ type: "resumed", lastId: 250, count: 100 });
    expect(whole.replay.map((m) => m.id)).toEqual(Array.from({ length: 100 }, (_, i) => 151 + i));
    const recent = await resume(socket, 245);
    expect(recent.replay.map((m) => m.text)).toEqual(["m246", "m247", "m248", "m249", "m250"]);
    expect(recent.end).toEqual({ type: "resumed", lastId: 250, count: 5 });
    const upToDate = await resume(socket, 250);
    expect(upToDate).toEqual({ replay: [], end: { type: "resumed", lastId: 250, count: 0 } });
    socket.ws.close();
  });
});
