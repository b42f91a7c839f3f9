// Message idempotency is per sender: a client message id dedupes one user's retries, never another user's message.
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, registerUser } from "../../../test/helpers";
import { connectRoom, isMessage, type Socket } from "../../../test/room-socket";
import type { ChatMessage } from "./rooms.schema";

let alice: Client;
let bob: Client;
let carol: Client;

beforeAll(async () => {
  alice = (await registerUser("alice")).client;
  bob = (await registerUser("bob")).client;
  carol = (await registerUser("carol")).client;
});

async function history(client: Client, room: string): Promise<ChatMessage[]> {
  const res = await client.fetch(`/api/rooms/${room}/history?limit=100`);
  expect(res.status).toBe(200);
  return (await res.json<{ messages: ChatMessage[] }>()).messages;
}

const ackOf = (socket: Socket, clientMessageId: string, from = 0) =>
  socket.next((f) => f.type === "ack" && f.clientMessageId === clientMessageId, from);

describe("client message ids are per sender", () => {
  it("two users reusing one client message id: both messages are stored and broadcast", async () => {
    const a = await connectRoom(alice, "same-client-id");
    const b = await connectRoom(bob, "same-client-id");
    const watcher = await connectRoom(carol, "same-client-id");

    a.send({ type: "message", text: "from alice", clientMessageId: "shared-1" });
    const ackA = await ackOf(a, "shared-1");
    await watcher.next(isMessage("from alice"));
    b.send({ type: "message", text: "from bob", clientMessageId: "shared-1" });
    const ackB = await ackOf(b, "shared-1");

    expect(ackA).toMatchObject({ duplicate: false });
    expect(ackB).toMatchObject({ duplicate: false });
    expect(ackB.id).toBeGreaterThan(ackA.id as number);
    // Everyone sees both, each from its own sender.
    await watcher.next(isMessage("from bob"));
    await a.next(isMessage("from bob"));
    expect(watcher.messages().map((m) => [m.text, m.clientMessageId, m.id])).toEqual([
      ["from alice", "shared-1", ackA.id],
      ["from bob", "shared-1", ackB.id],
    ]);
    const stored = await history(carol, "same-client-id");
    expect(stored.map((m) => m.text)).toEqual(["from alice", "from bob"]);
    expect(new Set(stored.map((m) => m.userId)).size).toBe(2);
    for (const s of [a, b, watcher]) s.ws.close();
  });

  it("the same user sending one client message id twice: one message, the retry acked as a duplicate", async () => {
    const a = await connectRoom(alice, "same-sender-retry");
    const watcher = await connectRoom(carol, "same-sender-retry");
    a.send({ type: "message", text: "once", clientMessageId: "retry-1" });
    const first = await ackOf(a, "retry-1");
    // A retry, even from another socket of the same user and with other text, is the same message.
    const again = await connectRoom(alice, "same-sender-retry");
    again.send({ type: "message", text: "once (resent)", clientMessageId: "retry-1" });
    const second = await ackOf(again, "retry-1");
    expect(first).toMatchObject({ duplicate: false });
    expect(second).toMatchObject({ duplicate: true, id: first.id });
    // Something after it, so the watcher's view below is complete when it arrives.
    a.send({ type: "message", text: "next", clientMessageId: "retry-2" });
    await watcher.next(isMessage("next"));
    expect(watcher.messages().map((m) => m.text)).toEqual(["once", "next"]);
    expect((await history(carol, "same-sender-retry")).map((m) => m.text)).toEqual(["once", "next"]);
    for (const s of [a, again, watcher]) s.ws.close();
  });
});
