// Mentions and thread replies from a real room to a real inbox: the room resolves the mention, writes its
// notification with the message, and delivers it; the mentioned user, offline at the time, sees it on their next
// connect. Unknown names notify nobody; the sender is never notified.
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, registerUser } from "../../../test/helpers";
import { connectRoom, type Frame } from "../../../test/room-socket";
import type { InboxEntry, InboxFrame, InboxPage } from "./inbox.schema";

type User = Awaited<ReturnType<typeof registerUser>>;
let alice: User;
let bob: User;
let carol: User;

beforeAll(async () => {
  alice = await registerUser("alice");
  bob = await registerUser("bob");
  // A display name with a space: mentioned as "@bob stone".
  const renamed = await bob.client.fetch("/api/users/me", { method: "PATCH", json: { displayName: "Bob Stone" } });
  expect(renamed.status).toBe(200);
  carol = await registerUser("carol");
});

async function page(client: Client): Promise<InboxPage> {
  const res = await client.fetch("/api/inbox");
  expect(res.status).toBe(200);
  return res.json<InboxPage>();
}

/** Polls the inbox until `match` holds (delivery runs after the message is stored), for up to 5 s. */
async function eventually(client: Client, match: (page: InboxPage) => boolean): Promise<InboxPage> {
  const until = Date.now() + 5_000;
  for (;;) {
    const current = await page(client);
    if (match(current) || Date.now() > until) return current;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends `text` (optionally as a thread reply) and waits for its ack; returns the stored message's id. */
async function send(client: Client, room: string, text: string, threadRootId?: number): Promise<number> {
  const socket = await connectRoom(client, room);
  const clientMessageId = crypto.randomUUID();
  socket.send({ type: "message", text, clientMessageId, ...(threadRootId ? { threadRootId } : {}) });
  const ack = (await socket.next((f: Frame) => f.type === "ack" && f.clientMessageId === clientMessageId)) as {
    id: number;
  };
  socket.ws.close(1000);
  return ack.id;
}

async function helloOf(client: Client): Promise<{ unread: number; latest: InboxEntry[] }> {
  const res = await client.fetch("/api/inbox/ws", { headers: { Upgrade: "websocket" } });
  if (!res.webSocket) throw new Error(`upgrade failed: ${res.status}`);
  const ws = res.webSocket;
  const hello = new Promise<InboxFrame>((resolve) =>
    ws.addEventListener("message", (event) => resolve(JSON.parse(String(event.data)) as InboxFrame)),
  );
  ws.accept();
  const frame = await hello;
  ws.close(1000);
  if (frame.type !== "hello") throw new Error(`expected hello, got ${frame.type}`);
  return frame;
}

describe("mentions from a room reach the inbox", () => {
  it("an offline user's mention is in their inbox on next connect; unknown names notify nobody", async () => {
    const room = "inbox-e2e";
    // Bob and Carol have been in the room (so they may be mentioned), then leave.
    (await connectRoom(bob.client, room)).ws.close(1000);
    (await connectRoom(carol.client, room)).ws.close(1000);
    const id = await send(alice.client, room, "hey @bob stone, and @nobody-here, see `@carol` please");

    const listed = await eventually(bob.client, (p) => p.entries.length > 0);
    expect(listed.entries.map((e) => [e.kind, e.room, e.messageId, e.from.userId])).toEqual([
      ["mention", room, id, alice.user.id],
    ]);
    expect(listed.entries[0]?.excerpt).toContain("hey @bob stone");
    const hello = await helloOf(bob.client);
    expect(hello.unread).toBe(1);
    expect(hello.latest.map((e) => e.messageId)).toEqual([id]);
    // Carol was mentioned only inside code; Alice never notifies herself.
    expect((await page(carol.client)).entries).toEqual([]);
    expect((await page(alice.client)).entries).toEqual([]);
  });

  it("a thread reply notifies the root's author and earlier repliers, not the sender", async () => {
    const room = "inbox-thread";
    (await connectRoom(bob.client, room)).ws.close(1000);
    (await connectRoom(carol.client, room)).ws.close(1000);
    const root = await send(alice.client, room, "a root");
    await send(bob.client, room, "first reply", root);
    const second = await send(carol.client, room, "second reply", root);

    const alicePage = await eventually(alice.client, (p) => p.entries.filter((e) => e.room === room).length >= 2);
    expect(
      alicePage.entries.filter((e) => e.room === room).map((e) => [e.kind, e.threadRootId, e.from.userId]),
    ).toEqual([
      ["reply", root, carol.user.id],
      ["reply", root, bob.user.id],
    ]);
    const bobPage = await eventually(bob.client, (p) => p.entries.some((e) => e.messageId === second));
    expect(bobPage.entries.filter((e) => e.room === room).map((e) => [e.kind, e.messageId])).toEqual([
      ["reply", second],
    ]);
    const carolPage = await page(carol.client);
    expect(carolPage.entries.filter((e) => e.room === room)).toEqual([]);
  });

  it("@room notifies everyone who has been in the room but the sender", async () => {
    const room = "inbox-everyone";
    (await connectRoom(bob.client, room)).ws.close(1000);
    (await connectRoom(carol.client, room)).ws.close(1000);
    const id = await send(alice.client, room, "lunch @room!");
    for (const user of [bob, carol]) {
      const p = await eventually(user.client, (x) => x.entries.some((e) => e.messageId === id && e.room === room));
      expect(p.entries.find((e) => e.room === room)).toMatchObject({ kind: "room-mention", messageId: id });
    }
    expect((await page(alice.client)).entries.some((e) => e.room === room)).toBe(false);
  });
});
