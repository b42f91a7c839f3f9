// Presence and typing as other members see them: one join and one leave per user however many sockets they
// have, typing to the others only and at most once per beat, and a room object that only speaks WebSocket.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, registerUser } from "../../../test/helpers";
import { connectRoom, type Frame, isMessage } from "../../../test/room-socket";

let alice: { client: Client; user: { id: string } };
let bob: { client: Client; user: { id: string } };

beforeAll(async () => {
  alice = await registerUser("alice");
  bob = await registerUser("bob");
});

const presence = (frames: Frame[]) =>
  frames
    .filter((f) => f.type === "presence")
    .map((f) => `${f.event} ${(f.member as { displayName: string }).displayName}`);

describe("presence", () => {
  it("announces a user once when their first socket joins and once when their last one leaves", async () => {
    const a = await connectRoom(alice.client, "presence");
    const b1 = await connectRoom(bob.client, "presence");
    const b2 = await connectRoom(bob.client, "presence");
    b1.ws.close(1000, "tab closed");
    await b1.closed;
    // Bob is still here through b2: a message from b2 reaches alice with no leave before it.
    b2.send({ type: "message", text: "still here", clientMessageId: "p1" });
    await a.next(isMessage("still here"));
    expect(presence(a.frames)).toEqual(["join bob"]);
    b2.ws.close(1000, "last tab closed");
    const leave = await a.next((f) => f.type === "presence" && f.event === "leave");
    expect(leave.roster).toEqual([{ userId: alice.user.id, displayName: "alice" }]);
    expect(presence(a.frames)).toEqual(["join bob", "leave bob"]);
    a.ws.close();
  });

  it("welcomes with the roster of who is connected", async () => {
    const a = await connectRoom(alice.client, "roster");
    const b = await connectRoom(bob.client, "roster");
    const welcome = b.frames.find((f) => f.type === "welcome") ?? { roster: [], you: null };
    expect((welcome.roster as { userId: string }[]).map((m) => m.userId).sort()).toEqual(
      [alice.user.id, bob.user.id].sort(),
    );
    expect(welcome.you).toEqual({ userId: bob.user.id, displayName: "bob" });
    a.ws.close();
    b.ws.close();
  });
});

describe("typing", () => {
  it("goes to the others, not back to the typist, and at most once per beat", async () => {
    const a = await connectRoom(alice.client, "typing");
    const b = await connectRoom(bob.client, "typing");
    a.send({ type: "typing" });
    a.send({ type: "typing" });
    a.send({ type: "typing" });
    // Frames arrive in order: once the message is there, every typing frame sent before it is too.
    a.send({ type: "message", text: "typed", clientMessageId: "t1" });
    await b.next(isMessage("typed"));
    await a.next(isMessage("typed"));
    const typing = b.frames.filter((f) => f.type === "typing");
    expect(typing).toEqual([{ type: "typing", member: { userId: alice.user.id, displayName: "alice" } }]);
    expect(a.frames.some((f) => f.type === "typing")).toBe(false);
    a.ws.close();
    b.ws.close();
  });
});

describe("the room object", () => {
  it("answers anything but a WebSocket upgrade with 426", async () => {
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName("not-a-socket"));
    const res = await stub.fetch("http://room/", { method: "GET" });
    expect(res.status).toBe(426);
    await res.arrayBuffer();
  });
});
