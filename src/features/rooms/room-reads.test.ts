// Rooms are created on purpose, and read state is kept per user per room, through the Worker's fetch: a URL
// alone creates nothing (only the WebSocket upgrade still creates, as the seeds' chat did), and the room list
// counts each reader's unread messages exactly.
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, call, registerUser } from "../../../test/helpers";
import type { RoomRead, RoomSummary } from "./rooms.schema";

type User = Awaited<ReturnType<typeof registerUser>>;
let alice: User;
let bob: User;
let carol: User;
let dave: User;
let eve: User;

beforeAll(async () => {
  alice = await registerUser("alice");
  bob = await registerUser("bob");
  carol = await registerUser("carol");
  dave = await registerUser("dave");
  eve = await registerUser("eve");
});

const code = async (res: Response) => (await res.json<{ code: string }>()).code;
const create = (client: Client, name: string, visibility: "public" | "private" = "public") =>
  client.fetch("/api/rooms", { method: "POST", json: { name, visibility } });
const markRead = (client: Client, room: string, body: unknown) =>
  client.fetch(`/api/rooms/${room}/read`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

async function listed(client: Client, room: string): Promise<RoomSummary | undefined> {
  const res = await client.fetch("/api/rooms");
  expect(res.status).toBe(200);
  return (await res.json<{ rooms: RoomSummary[] }>()).rooms.find((r) => r.name === room);
}

async function summary(client: Client, room: string): Promise<RoomSummary> {
  const res = await client.fetch(`/api/rooms/${room}`);
  expect(res.status, `GET /api/rooms/${room}`).toBe(200);
  return res.json<RoomSummary>();
}

/** Joins over the WebSocket and waits for the welcome. */
async function join(client: Client, room: string): Promise<WebSocket> {
  const res = await client.fetch(`/api/rooms/${room}/ws`, { headers: { Upgrade: "websocket" } });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
  const ws = res.webSocket;
  const welcomed = new Promise<void>((resolve) =>
    ws.addEventListener("message", (event) => {
      if (JSON.parse(String(event.data)).type === "welcome") resolve();
    }),
  );
  ws.accept();
  await welcomed;
  return ws;
}

/** Joins, sends `texts` one by one (each stored before the next), and leaves. */
async function post(client: Client, room: string, texts: string[]): Promise<void> {
  const ws = await join(client, room);
  const acked = new Set<string>();
  let wake = () => {};
  ws.addEventListener("message", (event) => {
    const frame = JSON.parse(String(event.data));
    if (frame.type === "ack") {
      acked.add(frame.clientMessageId);
      wake();
    }
  });
  for (const [i, text] of texts.entries()) {
    const id = `${crypto.randomUUID().slice(0, 8)}-${i}`;
    const stored = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${text}`)), 5_000);
      wake = () => {
        if (acked.has(id)) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
    ws.send(JSON.stringify({ type: "message", text, clientMessageId: id }));
    await stored;
  }
  ws.close(1000, "done");
}

describe("rooms are created on purpose", () => {
  it("answers 404 for a room that does not exist, over every HTTP route, and creates nothing", async () => {
    const room = "no-such-typo";
    const attempts: [string, RequestInit & { json?: unknown }][] = [
      [`/api/rooms/${room}`, {}],
      [`/api/rooms/${room}/history`, {}],
      [`/room/${room}/history`, {}],
      [`/api/rooms/${room}/ticket`, { method: "POST" }],
      [`/api/rooms/${room}/members`, {}],
      [`/api/rooms/${room}/read`, { method: "PUT", json: { lastId: 0 } }],
    ];
    for (const [path, init] of attempts) {
      const res = await alice.client.fetch(path, init);
      expect(res.status, `${init.method ?? "GET"} ${path}`).toBe(404);
      expect(res.headers.get("Content-Type"), path).toContain("application/problem+json");
      expect(await code(res), path).toBe("room-not-found");
    }
    expect(await listed(alice.client, room)).toBeUndefined();
    expect(await listed(bob.client, room)).toBeUndefined();
    // Still nothing afterwards: none of those calls made the room.
    expect((await alice.client.fetch(`/api/rooms/${room}`)).status).toBe(404);
  });

  it("still creates a public room when someone joins it over the WebSocket (the seeds' behaviour)", async () => {
    const ws = await join(bob.client, "joined-by-api");
    ws.close();
    const room = await summary(alice.client, "joined-by-api");
    expect(room).toMatchObject({ name: "joined-by-api", visibility: "public", lastId: 0, messageCount: 0 });
    expect((await listed(alice.client, "joined-by-api"))?.visibility).toBe("public");
  });

  it("creates with POST /api/rooms; the creator has visited it with nothing unread", async () => {
    const created = await create(alice.client, "made-on-purpose");
    expect(created.status).toBe(201);
    expect(await created.json<RoomSummary>()).toMatchObject({ lastId: 0, lastReadId: 0, unread: 0 });
    expect(await summary(alice.client, "made-on-purpose")).toMatchObject({
      name: "made-on-purpose",
      visibility: "public",
      lastId: 0,
      messageCount: 0,
      lastReadId: 0,
      unread: 0,
      online: [],
    });
    expect(await listed(bob.client, "made-on-purpose")).toMatchObject({ lastReadId: null, unread: 0 });
    expect((await bob.client.fetch("/api/rooms/made-on-purpose/history")).status).toBe(200);
    const issued = await bob.client.fetch("/api/rooms/made-on-purpose/ticket", { method: "POST" });
    expect(issued.status).toBe(201);
    // Joining by ticket (no credentials on the socket) counts as a first visit too.
    const { ticket } = await issued.json<{ ticket: string }>();
    const byTicket = await call(`/api/rooms/made-on-purpose/ws?ticket=${ticket}`, {
      headers: { Upgrade: "websocket" },
      ip: bob.client.ip,
    });
    expect(byTicket.status).toBe(101);
    byTicket.webSocket?.accept();
    byTicket.webSocket?.close();
    expect(await listed(bob.client, "made-on-purpose")).toMatchObject({ lastReadId: 0, unread: 0 });
  });
});

describe("read cursors", () => {
  const room = "read-state";

  beforeAll(async () => {
    expect((await create(alice.client, room)).status).toBe(201);
    // Bob looks at the empty room (his cursor starts at 0); carol never does.
    expect(await summary(bob.client, room)).toMatchObject({ lastId: 0, lastReadId: 0, unread: 0 });
    await post(dave.client, room, ["one", "two", "three"]);
  });

  it("counts the messages others sent after a visitor's cursor, and nothing for one who never visited", async () => {
    expect(await listed(bob.client, room)).toMatchObject({ lastId: 3, lastReadId: 0, unread: 3 });
    expect(await summary(bob.client, room)).toMatchObject({ lastId: 3, lastReadId: 0, unread: 3 });
    expect(await listed(alice.client, room)).toMatchObject({ lastReadId: 0, unread: 3 });
    expect(await listed(carol.client, room)).toMatchObject({ lastId: 3, lastReadId: null, unread: 0 });
    // Dave's first join started his cursor at the newest message then (0); his own three do not count.
    expect(await listed(dave.client, room)).toMatchObject({ lastReadId: 0, unread: 0 });
  });

  it("moves forward with PUT …/read, never back, and no further than the newest message", async () => {
    const res = await markRead(bob.client, room, { lastId: 2 });
    expect(res.status).toBe(200);
    expect(await res.json<RoomRead>()).toEqual({ room, lastReadId: 2 });
    expect(await listed(bob.client, room)).toMatchObject({ lastReadId: 2, unread: 1 });

    const back = await markRead(bob.client, room, { lastId: 1 });
    expect(await back.json<RoomRead>()).toEqual({ room, lastReadId: 2 });
    expect(await listed(bob.client, room)).toMatchObject({ lastReadId: 2, unread: 1 });

    const beyond = await markRead(bob.client, room, { lastId: 999 });
    expect(await beyond.json<RoomRead>()).toEqual({ room, lastReadId: 3 });
    expect(await listed(bob.client, room)).toMatchObject({ lastId: 3, lastReadId: 3, unread: 0 });
    // Alice's cursor is her own.
    expect(await listed(alice.client, room)).toMatchObject({ lastReadId: 0, unread: 3 });
  });

  it("never counts the reader's own messages", async () => {
    await post(bob.client, room, ["four", "five"]);
    expect(await listed(bob.client, room)).toMatchObject({ lastId: 5, lastReadId: 3, unread: 0 });
    expect(await listed(dave.client, room)).toMatchObject({ lastReadId: 0, unread: 2 });
    expect(await listed(alice.client, room)).toMatchObject({ lastReadId: 0, unread: 5 });
  });

  it("starts a first visit's cursor at the newest message, by GET or by joining, so there is no wall of unread", async () => {
    expect(await summary(carol.client, room)).toMatchObject({ lastId: 5, lastReadId: 5, unread: 0 });
    expect(await listed(carol.client, room)).toMatchObject({ lastReadId: 5, unread: 0 });
    (await join(eve.client, room)).close();
    expect(await listed(eve.client, room)).toMatchObject({ lastReadId: 5, unread: 0 });
    await post(dave.client, room, ["six"]);
    expect(await listed(carol.client, room)).toMatchObject({ lastId: 6, unread: 1 });
    expect(await listed(eve.client, room)).toMatchObject({ lastId: 6, unread: 1 });
  });

  it("refuses bad bodies with 400 problem+json, and unknown rooms with 404", async () => {
    const bad: unknown[] = [{}, { lastId: -1 }, { lastId: 1.5 }, { lastId: "3" }, { lastId: 1, extra: true }, "nope"];
    for (const body of bad) {
      const res = await markRead(bob.client, room, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      expect(await code(res)).toBe(body === "nope" ? "malformed-json" : "invalid-request");
    }
    const unknown = await markRead(bob.client, "never-made", { lastId: 1 });
    expect(unknown.status).toBe(404);
    expect(await code(unknown)).toBe("room-not-found");
    expect((await bob.client.fetch("/api/rooms/never-made")).status).toBe(404);
  });

  it("hides a private room from non-members: the same 404 for GET and PUT as for no room", async () => {
    expect((await create(alice.client, "read-secret", "private")).status).toBe(201);
    for (const res of [
      await bob.client.fetch("/api/rooms/read-secret"),
      await markRead(bob.client, "read-secret", { lastId: 0 }),
    ]) {
      expect(res.status).toBe(404);
      expect(await code(res)).toBe("room-not-found");
    }
    expect(await summary(alice.client, "read-secret")).toMatchObject({ visibility: "private", lastReadId: 0 });
    expect(await (await markRead(alice.client, "read-secret", { lastId: 0 })).json<RoomRead>()).toEqual({
      room: "read-secret",
      lastReadId: 0,
    });
  });
});
