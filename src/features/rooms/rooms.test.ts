// Rooms end to end: real WebSockets through the Worker's fetch into the ChatRoom Durable Object.
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, call, registerUser } from "../../../test/helpers";
import { type Frame, type Socket, wrap } from "../../../test/room-socket";
import type { ChatRoom } from "./chat-room";
import { type ChatMessage, IncomingFrameSchema, ServerFrameSchema } from "./rooms.schema";

async function connect(client: Client, room: string, headers: Record<string, string> = {}): Promise<Socket> {
  const res = await client.fetch(`/api/rooms/${room}/ws`, { headers: { Upgrade: "websocket", ...headers } });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
  const socket = wrap(res.webSocket);
  await socket.next((f) => f.type === "welcome");
  return socket;
}

const isMessage = (text: string) => (f: Frame) => f.type === "message" && (f.message as ChatMessage).text === text;

let alice: Awaited<ReturnType<typeof registerUser>>;
let bob: Awaited<ReturnType<typeof registerUser>>;

beforeAll(async () => {
  alice = await registerUser("alice");
  bob = await registerUser("bob");
});

describe("joining a room", () => {
  it("welcomes with who I am, the roster and recent history, and tells the others", async () => {
    const a = await connect(alice.client, "lobby");
    const welcome = a.frames[0] as Frame & { you: { userId: string }; roster: unknown[]; lastId: number };
    expect(welcome.you.userId).toBe(alice.user.id);
    expect(welcome.roster).toHaveLength(1);
    const b = await connect(bob.client, "lobby");
    const presence = await a.next((f) => f.type === "presence" && f.event === "join");
    expect((presence.member as { displayName: string }).displayName).toBe("bob");
    expect(presence.roster).toHaveLength(2);
    b.ws.close(1000, "bye");
    const left = await a.next((f) => f.type === "presence" && f.event === "leave");
    expect((left.member as { userId: string }).userId).toBe(bob.user.id);
    a.ws.close();
  });

  it("refuses a connection without a session (401) and from a foreign Origin (403)", async () => {
    const anonymous = await call("/api/rooms/lobby/ws", { headers: { Upgrade: "websocket" } });
    expect(anonymous.status).toBe(401);
    const foreign = await alice.client.fetch("/api/rooms/lobby/ws", {
      headers: { Upgrade: "websocket", Origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    const notUpgrade = await alice.client.fetch("/api/rooms/lobby/ws");
    expect(notUpgrade.status).toBe(426);
    expect((await alice.client.fetch("/api/rooms/Bad%20Name/ws", { headers: { Upgrade: "websocket" } })).status).toBe(
      400,
    );
  });

  it("takes who I am from the session, never from the query or the client's own identity headers", async () => {
    const res = await alice.client.fetch("/api/rooms/who/ws?name=admin&userId=root", {
      headers: { Upgrade: "websocket", "X-Outpost-User-Id": "root", "X-Outpost-Display-Name": "admin" },
    });
    expect(res.status).toBe(101);
    const socket = wrap(res.webSocket as WebSocket);
    const welcome = (await socket.next((f) => f.type === "welcome")) as Frame & { you: { userId: string } };
    expect(welcome.you).toEqual({ userId: alice.user.id, displayName: "alice" });
    socket.ws.close();
  });

  it("accepts a ticket once, and refuses it the second time", async () => {
    // A ticket is issued only for a room that exists.
    expect((await alice.client.fetch("/api/rooms", { method: "POST", json: { name: "tickets" } })).status).toBe(201);
    const issued = await alice.client.fetch("/api/rooms/tickets/ticket", { method: "POST" });
    expect(issued.status).toBe(201);
    const { ticket } = await issued.json<{ ticket: string }>();
    const first = await call(`/api/rooms/tickets/ws?ticket=${ticket}`, { headers: { Upgrade: "websocket" } });
    expect(first.status).toBe(101);
    const socket = wrap(first.webSocket as WebSocket);
    const welcome = await socket.next((f) => f.type === "welcome");
    expect((welcome.you as { userId: string }).userId).toBe(alice.user.id);
    const reuse = await call(`/api/rooms/tickets/ws?ticket=${ticket}`, { headers: { Upgrade: "websocket" } });
    expect(reuse.status).toBe(401);
    const forged = await call(`/api/rooms/tickets/ws?ticket=${"A".repeat(43)}`, { headers: { Upgrade: "websocket" } });
    expect(forged.status).toBe(401);
    socket.ws.close();
  });
});

describe("messages", () => {
  it("are stored, then broadcast to everyone with increasing ids, and acked by client id", async () => {
    const a = await connect(alice.client, "chat");
    const b = await connect(bob.client, "chat");
    a.send({ type: "message", text: "hello bob", clientMessageId: "m1" });
    const ack = await a.next((f) => f.type === "ack");
    expect(ack).toMatchObject({ clientMessageId: "m1", duplicate: false });
    const received = await b.next(isMessage("hello bob"));
    expect((received.message as ChatMessage).id).toBe(ack.id);
    b.send({ type: "message", text: "hi alice" });
    const reply = await a.next(isMessage("hi alice"));
    expect((reply.message as ChatMessage).id).toBeGreaterThan(ack.id as number);
    a.ws.close();
    b.ws.close();
  });

  it("follows a message with a link by that link's preview, or a clean null when there is none", async () => {
    const a = await connect(alice.client, "links");
    const b = await connect(bob.client, "links");
    // A private address: the unfurl service refuses it without touching the network (and so would any
    // unreachable host here, offline).
    a.send({ type: "message", text: "metadata at http://169.254.169.254/latest please" });
    const message = await b.next(isMessage("metadata at http://169.254.169.254/latest please"));
    const preview = await b.next((f) => f.type === "preview");
    expect(preview).toEqual({
      type: "preview",
      messageId: (message.message as ChatMessage).id,
      url: "http://169.254.169.254/latest",
      preview: null,
    });
    a.ws.close();
    b.ws.close();
  });

  it("delivers a message with a link that does not parse, and broadcasts no preview for that link", async () => {
    const a = await connect(alice.client, "hostile-links");
    const b = await connect(bob.client, "hostile-links");
    // Each text's previews go out in its links' order: the valid link after the hostile one is the barrier that
    // proves the hostile one's preview frame would have come by now.
    const texts = [
      "look http://[ here",
      "http://a%zz.example/x",
      "look http://[ here, then http://169.254.169.254/after-bracket",
      "http://a%zz.example/x then http://169.254.169.254/after-percent",
    ];
    for (const [i, text] of texts.entries()) a.send({ type: "message", text, clientMessageId: `h${i}` });
    for (const text of texts) await b.next(isMessage(text));
    for (const path of ["after-bracket", "after-percent"]) {
      await b.next((f) => f.type === "preview" && f.url === `http://169.254.169.254/${path}`);
    }
    const previews = b.frames.filter((f) => f.type === "preview");
    expect(previews.map((f) => f.url).sort()).toEqual([
      "http://169.254.169.254/after-bracket",
      "http://169.254.169.254/after-percent",
    ]);
    // Every frame the watcher received is one that the UI's schema accepts (it refines preview URLs).
    for (const frame of b.frames) expect(ServerFrameSchema.safeParse(frame).success, JSON.stringify(frame)).toBe(true);
    // And the room carries on for both.
    b.send({ type: "message", text: "still here", clientMessageId: "h-after" });
    await a.next(isMessage("still here"));
    a.ws.close();
    b.ws.close();
  });

  it("has a frame schema that refuses a preview whose URL does not parse or is not http(s)", () => {
    const frame = { type: "preview", messageId: 1, preview: null };
    for (const url of ["http://[", "http://a%zz.example/x", "javascript:alert(1)", "/relative", ""]) {
      expect(ServerFrameSchema.safeParse({ ...frame, url }).success, url).toBe(false);
      expect(IncomingFrameSchema.safeParse({ ...frame, url }).success, url).toBe(false);
    }
    const preview = { url: "https://example.com/", title: "T", description: null, image: null, siteName: null };
    expect(ServerFrameSchema.safeParse({ ...frame, url: "https://example.com/", preview }).success).toBe(true);
    for (const bad of [{ url: "http://[" }, { image: "javascript:alert(1)" }, { image: "http://a%zz.example/i.png" }]) {
      const parsed = ServerFrameSchema.safeParse({
        ...frame,
        url: "https://example.com/",
        preview: { ...preview, ...bad },
      });
      expect(parsed.success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("keeps broadcasting to everyone else when a client goes away mid-conversation", async () => {
    const a = await connect(alice.client, "leaver");
    const b = await connect(bob.client, "leaver");
    const c = await connect(bob.client, "leaver");
    c.ws.close(1001, "gone");
    // The room answers the close; only then is c gone from its side.
    expect((await c.closed).code).toBe(1001);
    const cSaw = c.frames.length;
    a.send({ type: "message", text: "are you there?", clientMessageId: "l1" });
    const first = (await b.next(isMessage("are you there?"))).message as ChatMessage;
    await a.next(isMessage("are you there?"));
    a.send({ type: "message", text: "and now?", clientMessageId: "l2" });
    const second = (await b.next(isMessage("and now?"))).message as ChatMessage;
    await a.next(isMessage("and now?"));
    // Both remaining clients got both messages, once each, in order; the gone one got nothing more.
    for (const socket of [a, b]) {
      const seen = socket.frames.filter((f) => f.type === "message").map((f) => (f.message as ChatMessage).text);
      expect(seen).toEqual(["are you there?", "and now?"]);
    }
    expect(second.id).toBeGreaterThan(first.id);
    expect(c.frames).toHaveLength(cSaw);
    // Bob still has a socket here, so he is still in the roster.
    const { rooms } = await (await alice.client.fetch("/api/rooms")).json<{
      rooms: { name: string; online: { userId: string }[] }[];
    }>();
    expect(
      rooms
        .find((r) => r.name === "leaver")
        ?.online.map((m) => m.userId)
        .sort(),
    ).toEqual([alice.user.id, bob.user.id].sort());
    a.ws.close();
    b.ws.close();
  });

  it("stores a retried client message id once", async () => {
    const a = await connect(alice.client, "retry");
    a.send({ type: "message", text: "only once", clientMessageId: "dup-1" });
    const first = await a.next((f) => f.type === "ack");
    const mark = a.frames.length;
    a.send({ type: "message", text: "only once", clientMessageId: "dup-1" });
    const second = await a.next((f) => f.type === "ack", mark);
    expect(second).toMatchObject({ id: first.id, duplicate: true });
    const page = await (await alice.client.fetch("/api/rooms/retry/history")).json<{ messages: ChatMessage[] }>();
    expect(page.messages.filter((m) => m.text === "only once")).toHaveLength(1);
    a.ws.close();
  });

  it("answers bad frames with an error frame, closes on oversize ones, and never disturbs the others", async () => {
    const a = await connect(alice.client, "badframes");
    const b = await connect(bob.client, "badframes");
    const bad = [
      "not json",
      "{}",
      '{"type":"shout","text":"x"}',
      '{"type":"message"}',
      '{"type":"message","text":""}',
      JSON.stringify({ type: "message", text: "x".repeat(4_001) }),
      '{"type":"message","text":"x","extra":1}',
    ];
    for (const frame of bad) {
      const mark = a.frames.length;
      a.send(frame);
      const error = await a.next((f) => f.type === "error", mark);
      expect(error.code, frame.slice(0, 40)).toBe("invalid-frame");
    }
    const mark = a.frames.length;
    a.ws.send(new Uint8Array([1, 2, 3]));
    expect((await a.next((f) => f.type === "error", mark)).code).toBe("binary-not-supported");
    a.send("y".repeat(17 * 1024));
    expect((await a.closed).code).toBe(1009);
    // 1 MiB and 32 MiB (the most a Durable Object accepts), text and binary: each closes only its own socket.
    let bClosed = false;
    void b.closed.then(() => {
      bClosed = true;
    });
    for (const size of [1024 * 1024, 32 * 1024 * 1024 - 1024]) {
      for (const binary of [false, true]) {
        const c = await connect(alice.client, "badframes");
        c.ws.send(binary ? new Uint8Array(size) : "z".repeat(size));
        expect((await c.closed).code, `${size} bytes${binary ? ", binary" : ""}`).toBe(1009);
      }
    }
    b.send({ type: "message", text: "still here" });
    await b.next(isMessage("still here"));
    expect(bClosed).toBe(false);
    const page = await (await bob.client.fetch("/api/rooms/badframes/history")).json<{ messages: ChatMessage[] }>();
    expect(page.messages.map((m) => m.text)).toEqual(["still here"]);
    b.ws.close();
  });

  it("limits each user's rate, with the time to wait, and loses nothing it accepted", async () => {
    const a = await connect(alice.client, "flood");
    const started = Date.now();
    for (let i = 0; i < 40; i++) a.send({ type: "message", text: `flood ${i}`, clientMessageId: `f${i}` });
    await a.next((f) => f.type === "error" && f.code === "rate-limited");
    await a.next(() => a.frames.filter((f) => f.type === "ack" || f.code === "rate-limited").length === 40);
    const elapsedMs = Date.now() - started;
    const acked = a.frames.filter((f) => f.type === "ack").length;
    const limited = a.frames.filter((f) => f.type === "error" && f.code === "rate-limited");
    expect(acked + limited.length).toBe(40);
    // The burst of 30, plus one token per 200 ms the 40 sends took on a loaded machine (5 a second).
    expect(acked).toBeGreaterThanOrEqual(30);
    expect(acked).toBeLessThanOrEqual(30 + Math.floor(elapsedMs / 200));
    expect(limited[0]?.retryAfterMs).toBeGreaterThan(0);
    const page = await (await alice.client.fetch("/api/rooms/flood/history?limit=100")).json<{
      messages: ChatMessage[];
    }>();
    expect(page.messages).toHaveLength(acked);
    a.ws.close();
  });

  it("broadcasts nothing and tells the sender when the message cannot be stored", async () => {
    const a = await connect(alice.client, "brokenstore");
    const b = await connect(bob.client, "brokenstore");
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName("brokenstore"));
    await runInDurableObject(stub, (room: ChatRoom) => {
      room.store.insert = () => {
        throw new Error("SQLITE_FULL");
      };
    });
    a.send({ type: "message", text: "lost?", clientMessageId: "x1" });
    const error = await a.next((f) => f.type === "error");
    expect(error).toMatchObject({ code: "not-stored", clientMessageId: "x1" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(b.frames.some((f) => f.type === "message")).toBe(false);
    a.ws.close();
    b.ws.close();
  });
});

describe("history", () => {
  it("pages back through every message with a cursor, 1–100 a page", async () => {
    // Three connections, 15 messages each: alice's two send 30 between them, her burst (the allowance is per user).
    const sockets = [
      await connect(alice.client, "paged"),
      await connect(alice.client, "paged"),
      await connect(bob.client, "paged"),
    ];
    for (let i = 0; i < 45; i++) {
      const socket = sockets[Math.floor(i / 15)] as Socket;
      socket.send({ type: "message", text: `p${i}`, clientMessageId: `p${i}` });
      await socket.next((f) => f.type === "ack" && f.clientMessageId === `p${i}`);
    }
    const seen: string[] = [];
    let before: number | null = null;
    do {
      const query: string = `limit=10${before ? `&before=${before}` : ""}`;
      const page: { messages: ChatMessage[]; nextBefore: number | null } = await (
        await alice.client.fetch(`/room/paged/history?${query}`)
      ).json();
      seen.unshift(...page.messages.map((m) => m.text));
      before = page.nextBefore;
    } while (before);
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => `p${i}`));
    for (const bad of ["limit=0", "limit=101", "before=abc", "limit=1.5"]) {
      expect((await alice.client.fetch(`/api/rooms/paged/history?${bad}`)).status, bad).toBe(400);
    }
    expect((await call("/api/rooms/paged/history")).status).toBe(401);
    for (const socket of sockets) socket.ws.close();
  });

  it("lists rooms with message counts and who is online", async () => {
    const a = await connect(alice.client, "listed");
    a.send({ type: "message", text: "count me", clientMessageId: "c1" });
    await a.next((f) => f.type === "ack");
    const { rooms } = await (await bob.client.fetch("/api/rooms")).json<{
      rooms: { name: string; messageCount: number; online: { userId: string }[] }[];
    }>();
    const listed = rooms.find((r) => r.name === "listed");
    expect(listed?.messageCount).toBe(1);
    expect(listed?.online.map((m) => m.userId)).toEqual([alice.user.id]);
    a.ws.close();
  });
});

describe("a busy room", () => {
  /** Two sockets and a budget of 2 frames a second: one broadcast a second at most. */
  async function busyRoom(name: string) {
    const a = await connect(alice.client, name);
    const b = await connect(bob.client, name);
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(name));
    await runInDurableObject(stub, (room: ChatRoom) => {
      room.broadcasts.sendBudget = 2;
    });
    return { a, b, stub };
  }
  const texts = (socket: Socket, from = 0) =>
    socket.frames
      .slice(from)
      .filter((f) => f.type === "message")
      .map((f) => (f.message as ChatMessage).text);

  it("sends the first message at once and coalesces the rest into one frame at the next slot", async () => {
    const { a, b } = await busyRoom("busy");
    const mark = b.types.length;
    for (let i = 0; i < 5; i++) a.send({ type: "message", text: `busy ${i}`, clientMessageId: `b${i}` });
    // Every message is acknowledged as soon as it is stored, whatever the broadcast waits for.
    for (let i = 0; i < 5; i++) await a.next((f) => f.type === "ack" && f.clientMessageId === `b${i}`);
    await b.next(isMessage("busy 4"));
    await a.next(isMessage("busy 4"));
    expect(texts(b)).toEqual(["busy 0", "busy 1", "busy 2", "busy 3", "busy 4"]);
    const sent = b.types.slice(mark).filter((t) => t === "message" || t === "messages");
    expect(sent).toEqual(["message", "messages"]);
    expect(texts(a)).toEqual(texts(b));
    a.ws.close();
    b.ws.close();
  });

  it("gives a newcomer the waiting messages in its welcome and never again live", async () => {
    const { a, b } = await busyRoom("busy-join");
    a.send({ type: "message", text: "first", clientMessageId: "j0" });
    await b.next(isMessage("first"));
    a.send({ type: "message", text: "waiting", clientMessageId: "j1" });
    await a.next((f) => f.type === "ack" && f.clientMessageId === "j1");
    const c = await connect(bob.client, "busy-join");
    const welcome = c.frames[0] as Frame & { history: ChatMessage[] };
    expect(welcome.history.map((m) => m.text)).toEqual(["first", "waiting"]);
    await b.next(isMessage("waiting"));
    a.send({ type: "message", text: "after", clientMessageId: "j2" });
    await c.next(isMessage("after"));
    expect(texts(c)).toEqual(["after"]);
    for (const socket of [a, b, c]) socket.ws.close();
  });

  it("replays to a resuming client without repeating what was waiting", async () => {
    const { a, b } = await busyRoom("busy-resume");
    a.send({ type: "message", text: "seen", clientMessageId: "s0" });
    const seen = (await b.next((f) => f.type === "message")).message as ChatMessage;
    a.send({ type: "message", text: "queued", clientMessageId: "s1" });
    await a.next((f) => f.type === "ack" && f.clientMessageId === "s1");
    const mark = b.frames.length;
    b.send({ type: "resume", lastId: seen.id });
    await b.next((f) => f.type === "resumed", mark);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(texts(b, mark)).toEqual(["queued"]);
    a.ws.close();
    b.ws.close();
  });

  it("delivers everything across hibernation after a busy spell", async () => {
    const { a, b, stub } = await busyRoom("busy-idle");
    for (let i = 0; i < 3; i++) a.send({ type: "message", text: `idle ${i}`, clientMessageId: `i${i}` });
    await b.next(isMessage("idle 2"));
    // Hibernating drops the instance and its in-memory batch state; the sockets and the stream carry on.
    await evictDurableObject(stub, { webSockets: "hibernate" });
    a.send({ type: "message", text: "after sleep", clientMessageId: "i3" });
    await b.next(isMessage("after sleep"));
    expect(texts(b)).toEqual(["idle 0", "idle 1", "idle 2", "after sleep"]);
    a.ws.close();
    b.ws.close();
  });
});

describe("resume and restarts", () => {
  it("gives a reconnecting client exactly the messages it missed, in order, before live ones", async () => {
    const a = await connect(alice.client, "resume");
    a.send({ type: "message", text: "before", clientMessageId: "r0" });
    const lastSeen = (await a.next((f) => f.type === "ack")).id as number;
    a.ws.close();
    const b = await connect(bob.client, "resume");
    for (let i = 1; i <= 5; i++) {
      b.send({ type: "message", text: `missed ${i}`, clientMessageId: `r${i}` });
      await b.next((f) => f.type === "ack" && f.clientMessageId === `r${i}`);
    }
    const again = await connect(alice.client, "resume");
    const mark = again.frames.length;
    again.send({ type: "resume", lastId: lastSeen });
    await again.next((f) => f.type === "resumed", mark);
    const replay = again.frames
      .slice(mark)
      .filter((f) => f.type === "message")
      .map((f) => (f.message as ChatMessage).text);
    expect(replay).toEqual(["missed 1", "missed 2", "missed 3", "missed 4", "missed 5"]);
    b.send({ type: "message", text: "live" });
    await again.next(isMessage("live"), mark);
    again.ws.close();
    b.ws.close();
  });

  it("survives hibernation: state comes back from the sockets' attachments", async () => {
    const a = await connect(alice.client, "sleepy");
    const b = await connect(bob.client, "sleepy");
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName("sleepy"));
    await evictDurableObject(stub, { webSockets: "hibernate" });
    a.send({ type: "message", text: "after hibernation", clientMessageId: "h1" });
    const message = await b.next(isMessage("after hibernation"));
    expect((message.message as ChatMessage).displayName).toBe("alice");
    const { rooms } = await (await bob.client.fetch("/api/rooms")).json<{
      rooms: { name: string; online: unknown[] }[];
    }>();
    expect(rooms.find((r) => r.name === "sleepy")?.online).toHaveLength(2);
    // Nothing keeps it awake: no alarm is scheduled.
    expect(await runInDurableObject(stub, (_room: ChatRoom, state) => state.storage.getAlarm())).toBeNull();
    a.ws.close();
    b.ws.close();
  });
});
