// Edits, deletes, reactions and thread replies over real sockets: who may do what, the `done` and error frames
// that answer them, the `event` frames everyone gets in log order, and the HTTP pages that show the result.
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, call, registerUser } from "../../../test/helpers";
import { connectRoom, type Frame, isMessage, type Socket, wrap } from "../../../test/room-socket";
import {
  type ChatMessage,
  type HistoryPage,
  MAX_EMOJI_PER_MESSAGE,
  type RoomEvent,
  ServerFrameSchema,
  type ThreadPage,
} from "./rooms.schema";

type User = { client: Client; user: { id: string } };
let admin: User;
let alice: User;
let bob: User;

beforeAll(async () => {
  // The first user of a test file is an admin.
  admin = await registerUser("root");
  alice = await registerUser("alice");
  bob = await registerUser("bob");
});

/** Sends a message and returns its stored id. */
async function say(socket: Socket, text: string, extra: Record<string, unknown> = {}): Promise<number> {
  const clientMessageId = `c${Math.random().toString(36).slice(2, 12)}`;
  const mark = socket.frames.length;
  socket.send({ type: "message", text, clientMessageId, ...extra });
  const ack = await socket.next(
    (f) => (f.type === "ack" || f.type === "error") && f.clientMessageId === clientMessageId,
    mark,
  );
  if (ack.type !== "ack") throw new Error(`refused: ${JSON.stringify(ack)}`);
  return ack.id as number;
}

/** Sends an op and returns its answer (`done` or `error`). */
async function op(socket: Socket, frame: Record<string, unknown>): Promise<Frame> {
  const opId = `o${Math.random().toString(36).slice(2, 12)}`;
  const mark = socket.frames.length;
  socket.send({ ...frame, opId });
  const answer = await socket.next((f) => (f.type === "done" || f.type === "error") && f.opId === opId, mark);
  expect(ServerFrameSchema.safeParse(answer).success).toBe(true);
  return answer;
}

const eventFor = (id: number) => (f: Frame) => f.type === "event" && (f.event as RoomEvent).id === id;

async function page(client: Client, room: string, query = ""): Promise<HistoryPage> {
  const res = await client.fetch(`/api/rooms/${room}/history${query}`);
  expect(res.status).toBe(200);
  return res.json<HistoryPage>();
}

describe("edits and deletes", () => {
  it("lets the author edit: done to them, the event to everyone, the new text in history", async () => {
    const a = await connectRoom(alice.client, "ops-edit");
    const b = await connectRoom(bob.client, "ops-edit");
    const id = await say(a, "helo");
    const done = await op(a, { type: "edit", messageId: id, text: "hello" });
    expect(done).toMatchObject({ type: "done", id: id + 1 });
    const event = await b.next(eventFor(id + 1));
    expect(event.event).toMatchObject({ kind: "edit", messageId: id, text: "hello" });
    const refused = await op(b, { type: "edit", messageId: id, text: "hijacked" });
    expect(refused).toMatchObject({ type: "error", code: "forbidden" });
    const { messages } = await page(bob.client, "ops-edit");
    expect(messages.at(-1)).toMatchObject({ id, text: "hello" });
    expect(messages.at(-1)?.editedAt).not.toBeNull();
    expect(await op(a, { type: "edit", messageId: 9_999, text: "x" })).toMatchObject({ code: "not-found" });
    a.ws.close();
    b.ws.close();
  });

  it("follows an edit that adds a link by that link's preview", async () => {
    const a = await connectRoom(alice.client, "ops-edit-link");
    const b = await connectRoom(bob.client, "ops-edit-link");
    const id = await say(a, "no link yet");
    const done = await op(a, { type: "edit", messageId: id, text: "see http://169.254.169.254/edited" });
    await b.next(eventFor(done.id as number));
    // A private address: the unfurl service refuses it offline, so the preview is a clean null.
    const preview = await b.next((f) => f.type === "preview");
    expect(preview).toEqual({ type: "preview", messageId: id, url: "http://169.254.169.254/edited", preview: null });
    a.ws.close();
    b.ws.close();
  });

  it("lets the author or an admin delete, not anyone else; the tombstone keeps its id", async () => {
    const a = await connectRoom(alice.client, "ops-delete");
    const b = await connectRoom(bob.client, "ops-delete");
    const root = await connectRoom(admin.client, "ops-delete");
    const first = await say(a, "oops");
    const second = await say(a, "rude");
    expect(await op(b, { type: "delete", messageId: first })).toMatchObject({ code: "forbidden" });
    expect(await op(a, { type: "delete", messageId: first })).toMatchObject({ type: "done" });
    expect(await op(root, { type: "delete", messageId: second })).toMatchObject({ type: "done" });
    const deleted = await b.next((f) => f.type === "event" && (f.event as RoomEvent).messageId === second);
    expect(deleted.event).toMatchObject({ kind: "delete", by: admin.user.id });
    expect(await op(a, { type: "delete", messageId: first })).toMatchObject({ code: "not-found" });
    expect(await op(a, { type: "react", messageId: first, emoji: "👍", add: true })).toMatchObject({
      code: "not-found",
    });
    const { messages } = await page(bob.client, "ops-delete");
    expect(messages.map((m) => [m.id, m.text, m.deletedAt !== null])).toEqual([
      [first, "", true],
      [second, "", true],
    ]);
    for (const s of [a, b, root]) s.ws.close();
  });

  it("carries the moderator right through a ticket too", async () => {
    const a = await connectRoom(alice.client, "ops-ticket");
    const id = await say(a, "moderate me");
    const issued = await (await admin.client.fetch("/api/rooms/ops-ticket/ticket", { method: "POST" })).json<{
      ticket: string;
    }>();
    const bobIssued = await (await bob.client.fetch("/api/rooms/ops-ticket/ticket", { method: "POST" })).json<{
      ticket: string;
    }>();
    const viaTicket = async (ticket: string) => {
      const res = await call(`/api/rooms/ops-ticket/ws?ticket=${ticket}`, { headers: { Upgrade: "websocket" } });
      const socket = wrap(res.webSocket as WebSocket);
      await socket.next((f) => f.type === "welcome");
      return socket;
    };
    const b = await viaTicket(bobIssued.ticket);
    expect(await op(b, { type: "delete", messageId: id })).toMatchObject({ code: "forbidden" });
    const root = await viaTicket(issued.ticket);
    expect(await op(root, { type: "delete", messageId: id })).toMatchObject({ type: "done" });
    for (const s of [a, b, root]) s.ws.close();
  });

  it("lets a private room's owner delete a member's message", async () => {
    expect(
      (await alice.client.fetch("/api/rooms", { method: "POST", json: { name: "ops-private", visibility: "private" } }))
        .status,
    ).toBe(201);
    const added = await alice.client.fetch("/api/rooms/ops-private/members", {
      method: "POST",
      json: { email: (bob as unknown as { user: { email: string } }).user.email },
    });
    expect(added.status).toBe(201);
    const a = await connectRoom(alice.client, "ops-private");
    const b = await connectRoom(bob.client, "ops-private");
    const id = await say(b, "off topic");
    expect(await op(a, { type: "delete", messageId: id })).toMatchObject({ type: "done" });
    const mine = await say(a, "owner's own");
    expect(await op(b, { type: "delete", messageId: mine })).toMatchObject({ code: "forbidden" });
    a.ws.close();
    b.ws.close();
  });
});

describe("reactions", () => {
  it("toggles idempotently with exact counts, `mine` for the reader, and a cap on distinct emoji", async () => {
    const a = await connectRoom(alice.client, "ops-react");
    const b = await connectRoom(bob.client, "ops-react");
    const id = await say(a, "react to this");
    const added = await op(b, { type: "react", messageId: id, emoji: "👍", add: true });
    expect(added.id).toBe(id + 1);
    expect((await a.next(eventFor(id + 1))).event).toMatchObject({ kind: "reaction", added: true, count: 1 });
    // Adding twice changes nothing: done with id 0, no event.
    expect(await op(b, { type: "react", messageId: id, emoji: "👍", add: true })).toMatchObject({ id: 0 });
    expect((await op(a, { type: "react", messageId: id, emoji: "👍", add: true })).id).toBe(id + 2);
    const forBob = (await page(bob.client, "ops-react")).messages.at(-1) as ChatMessage;
    expect(forBob.reactions).toEqual([
      {
        emoji: "👍",
        count: 2,
        users: [
          { userId: bob.user.id, displayName: "bob" },
          { userId: alice.user.id, displayName: "alice" },
        ],
        mine: true,
      },
    ]);
    expect(await op(b, { type: "react", messageId: id, emoji: "👍", add: false })).toMatchObject({ type: "done" });
    const forBobAfter = (await page(bob.client, "ops-react")).messages.at(-1) as ChatMessage;
    expect(forBobAfter.reactions[0]).toMatchObject({ count: 1, mine: false });
    for (let i = 1; i < MAX_EMOJI_PER_MESSAGE; i++) {
      const emoji = String.fromCodePoint(0x1f600 + i);
      expect(await op(a, { type: "react", messageId: id, emoji, add: true })).toMatchObject({ type: "done" });
    }
    expect(await op(b, { type: "react", messageId: id, emoji: "🚀", add: true })).toMatchObject({
      code: "too-many-reactions",
    });
    const mark = b.frames.length;
    b.send({ type: "react", messageId: id, emoji: "not an emoji", add: true });
    expect(await b.next((f) => f.type === "error", mark)).toMatchObject({ code: "invalid-frame" });
    a.ws.close();
    b.ws.close();
  });
});

describe("threads", () => {
  it("files replies under their root (a reply to a reply too), live to everyone, paged by the thread route", async () => {
    const a = await connectRoom(alice.client, "ops-thread");
    const b = await connectRoom(bob.client, "ops-thread");
    const root = await say(a, "root");
    const r1 = await say(b, "first reply", { threadRootId: root });
    const r2 = await say(a, "reply to the reply", { threadRootId: r1 });
    const live = await b.next(isMessage("reply to the reply"));
    expect((live.message as ChatMessage).threadRootId).toBe(root);
    const { messages } = await page(bob.client, "ops-thread");
    expect(messages.map((m) => m.text)).toEqual(["root"]);
    expect(messages[0]).toMatchObject({ replyCount: 2, lastReplyId: r2 });
    const thread = await (await bob.client.fetch(`/api/rooms/ops-thread/threads/${root}?limit=1`)).json<ThreadPage>();
    expect(thread.root.id).toBe(root);
    expect(thread.replies.map((m) => m.id)).toEqual([r1]);
    expect(thread.nextAfter).toBe(r1);
    const rest = await (await bob.client.fetch(`/api/rooms/ops-thread/threads/${root}?after=${r1}`)).json<ThreadPage>();
    expect(rest.replies.map((m) => m.id)).toEqual([r2]);
    const missing = await bob.client.fetch("/api/rooms/ops-thread/threads/99999");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("Content-Type")).toContain("application/problem+json");
    expect((await bob.client.fetch("/api/rooms/ops-thread/threads/abc")).status).toBe(400);
    // A reply to a message that does not exist is refused; nothing is stored.
    const mark = a.frames.length;
    a.send({ type: "message", text: "into the void", clientMessageId: "void-1", threadRootId: 99_999 });
    expect(await a.next((f) => f.type === "error", mark)).toMatchObject({
      code: "not-found",
      clientMessageId: "void-1",
    });
    a.ws.close();
    b.ws.close();
  });

  it("pages history around a message; a reply centres on its root", async () => {
    const a = await connectRoom(alice.client, "ops-around");
    const ids: number[] = [];
    for (let i = 0; i < 9; i++) ids.push(await say(a, `m${i}`));
    const reply = await say(a, "reply", { threadRootId: ids[4] });
    const around = await page(alice.client, "ops-around", `?around=${ids[4]}&limit=3`);
    expect(around.messages.map((m) => m.text)).toEqual(["m3", "m4", "m5"]);
    expect(around.nextBefore).toBe(ids[3]);
    expect(around.nextAfter).toBe(ids[5]);
    const viaReply = await page(alice.client, "ops-around", `?around=${reply}&limit=3`);
    expect(viaReply.messages.map((m) => m.text)).toEqual(["m3", "m4", "m5"]);
    const newest = await page(alice.client, "ops-around", `?around=${ids[8]}&limit=4`);
    expect(newest.messages.map((m) => m.text)).toEqual(["m5", "m6", "m7", "m8"]);
    expect(newest.nextAfter).toBeNull();
    expect((await alice.client.fetch("/api/rooms/ops-around/history?around=x")).status).toBe(400);
    a.ws.close();
  });
});

describe("resume and welcome", () => {
  it("replays events about messages the client had, and welcomes with the newest log id", async () => {
    const a = await connectRoom(alice.client, "ops-resume");
    const id = await say(a, "before");
    const b = await connectRoom(bob.client, "ops-resume");
    const lastSeen = (b.frames[0] as Frame & { lastId: number }).lastId;
    expect(lastSeen).toBe(id);
    b.ws.close();
    const edit = await op(a, { type: "edit", messageId: id, text: "after" });
    await say(a, "new one");
    const again = await connectRoom(bob.client, "ops-resume");
    expect((again.frames[0] as Frame & { lastId: number }).lastId).toBe((edit.id as number) + 1);
    const mark = again.frames.length;
    again.send({ type: "resume", lastId: lastSeen });
    const resumed = await again.next((f) => f.type === "resumed", mark);
    const replay = again.frames.slice(mark, again.frames.indexOf(resumed));
    expect(replay.map((f) => f.type)).toEqual(["event", "message"]);
    expect(resumed).toMatchObject({ lastId: (edit.id as number) + 1, count: 2 });
    a.ws.close();
    again.ws.close();
  });
});

describe("attachments and order", () => {
  it("refuses a file that is not the sender's, and keeps later frames behind the lookup", async () => {
    const a = await connectRoom(alice.client, "ops-files");
    const mark = a.frames.length;
    a.send({ type: "message", text: "see file", clientMessageId: "f1", attachments: ["0".repeat(32)] });
    a.send({ type: "message", text: "after the file", clientMessageId: "f2" });
    await a.next((f) => f.type === "ack" && f.clientMessageId === "f2", mark);
    const answers = a.frames.slice(mark).filter((f) => f.type === "error" || f.type === "ack");
    expect(answers.map((f) => [f.type, f.clientMessageId, f.code])).toEqual([
      ["error", "f1", "attachment-not-found"],
      ["ack", "f2", undefined],
    ]);
    a.ws.close();
  });
});
