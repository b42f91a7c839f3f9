// Mentions as the room resolves them (only people of the room; unknown names stay text), the people route that
// the composer's autocomplete reads, the unread and mention counts of the room summary, and the attachment grant
// that a message carries while it exists.
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, registerUser } from "../../../test/helpers";
import { connectRoom, isMessage } from "../../../test/room-socket";
import type { ChatRoom } from "./chat-room";
import type { ChatMessage, RoomSummary } from "./rooms.schema";

type User = { client: Client; user: { id: string } };
let alice: User;
let bob: User;
let carol: User;

beforeAll(async () => {
  alice = await registerUser("alice");
  bob = await registerUser("bob");
  carol = await registerUser("carol");
});

const summary = async (client: Client, room: string) => (await client.fetch(`/api/rooms/${room}`)).json<RoomSummary>();

describe("mentions", () => {
  it("resolves @name of people of the room and @room; counts them in the reader's summary", async () => {
    const room = "mentions";
    const a = await connectRoom(alice.client, room);
    const b = await connectRoom(bob.client, room);
    const c = await connectRoom(carol.client, room);
    b.ws.close();
    c.ws.close();
    expect((await summary(bob.client, room)).mentions).toBe(0);
    for (const text of ["hi @bob, and @nobody", "@room lunch?", "no mention", "`@bob` in code"]) {
      a.send({ type: "message", text, clientMessageId: text.replace(/\W/g, "-").slice(0, 40) || "x" });
      await a.next(isMessage(text));
    }
    const sent = a.messages();
    expect(sent[0]?.mentions).toEqual([{ userId: bob.user.id, displayName: "bob" }]);
    expect(sent[1]).toMatchObject({ mentions: [], mentionsRoom: true });
    expect(sent[3]?.mentions).toEqual([]);
    const forBob = await summary(bob.client, room);
    expect({ unread: forBob.unread, mentions: forBob.mentions }).toEqual({ unread: 4, mentions: 2 });
    const forCarol = await summary(carol.client, room);
    expect({ unread: forCarol.unread, mentions: forCarol.mentions }).toEqual({ unread: 4, mentions: 1 });
    // The sender's own messages count for nobody's mentions of themselves.
    expect((await summary(alice.client, room)).mentions).toBe(0);
    a.ws.close();
  });

  it("lists who can be mentioned, filtered by q, and refuses a bad query with 400", async () => {
    const room = "people";
    const a = await connectRoom(alice.client, room);
    const b = await connectRoom(bob.client, room);
    const res = await alice.client.fetch(`/api/rooms/${room}/people?q=BO`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ room, people: [{ userId: bob.user.id, displayName: "bob" }] });
    const everyone = await (await alice.client.fetch(`/api/rooms/${room}/people`)).json<{ people: unknown[] }>();
    expect(everyone.people).toHaveLength(2);
    const bad = await alice.client.fetch(`/api/rooms/${room}/people?q=${"x".repeat(65)}`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("Content-Type")).toContain("application/problem+json");
    expect((await alice.client.fetch("/api/rooms/no-such-room-here/people")).status).toBe(404);
    a.ws.close();
    b.ws.close();
  });
});

describe("notifications", () => {
  it("delivers a mention and a thread reply to the recipients' inboxes, offline ones included", async () => {
    const room = "notify";
    const a = await connectRoom(alice.client, room);
    const b = await connectRoom(bob.client, room);
    const c = await connectRoom(carol.client, room);
    b.ws.close();
    c.ws.close();
    const inbox = (userId: string) => env.INBOX.get(env.INBOX.idFromName(userId));
    // Inboxes are per user, across rooms: count what this test adds.
    const bobBefore = await inbox(bob.user.id).unread();
    const aliceBefore = await inbox(alice.user.id).unread();
    a.send({ type: "message", text: "@bob please look", clientMessageId: "n1" });
    const root = (await a.next((f) => f.type === "ack" && f.clientMessageId === "n1")).id as number;
    // Carol replies in alice's thread: alice (the root's author) is told; bob is not a participant.
    const c2 = await connectRoom(carol.client, room);
    c2.send({ type: "message", text: "on it", clientMessageId: "n2", threadRootId: root });
    await c2.next((f) => f.type === "ack" && f.clientMessageId === "n2");
    let forBob = 0;
    let forAlice = 0;
    for (let wait = 0; wait < 100 && (forBob === 0 || forAlice === 0); wait++) {
      forBob = (await inbox(bob.user.id).unread()) - bobBefore;
      forAlice = (await inbox(alice.user.id).unread()) - aliceBefore;
      if (forBob === 0 || forAlice === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect({ forBob, forAlice }).toEqual({ forBob: 1, forAlice: 1 });
    const pending = await runInDurableObject(env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room)), (chat: ChatRoom) =>
      chat.outbox.pending(),
    );
    expect(pending).toBe(0);
    a.ws.close();
    c2.ws.close();
  });
});

describe("attachments as grants tied to the message", () => {
  it("serves a message's file while the message exists, never another file, and not once it is deleted", async () => {
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName("grants"));
    const file = { fileId: "a".repeat(32), name: "cat.png", contentType: "image/png", size: 3 };
    const result = await runInDurableObject(stub, async (room: ChatRoom) => {
      const { message } = room.store.insert({
        userId: "alice",
        displayName: "alice",
        text: "a cat",
        now: Date.now(),
        attachments: [file],
      });
      const granted = await room.attachment(message.id, file.fileId);
      const other = await room.attachment(message.id, "b".repeat(32));
      const unknown = await room.attachment(message.id + 100, file.fileId);
      room.store.delete(message.id, { userId: "alice", displayName: "alice" }, false, Date.now());
      const afterDelete = await room.attachment(message.id, file.fileId);
      const tombstone = room.store.messages.get(message.id) as ChatMessage;
      return { granted, other, unknown, afterDelete, attachments: tombstone.attachments };
    });
    expect(result).toEqual({ granted: file, other: null, unknown: null, afterDelete: null, attachments: [] });
  });
});
