// Ending a session reaches its open sockets: each revocation path closes the affected sockets in every room with
// 4401 and voids the tickets issued with it; other sessions' and other users' sockets stay open.
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, call, login, PASSWORD, registerUser } from "../../../test/helpers";
import type { ChatRoom } from "./chat-room";
import { IDENTITY_HEADERS, ROOM_UPGRADE_URL } from "./room-tickets";
import { type ChatMessage, CLOSE_SESSION_ENDED } from "./rooms.schema";

interface Frame {
  type: string;
  [key: string]: unknown;
}

interface Socket {
  ws: WebSocket;
  frames: Frame[];
  closed: Promise<{ code: number; at: number }>;
  isClosed(): boolean;
  next(match: (frame: Frame) => boolean): Promise<Frame>;
}

async function open(client: Client, room: string): Promise<Socket> {
  const res = await client.fetch(`/api/rooms/${room}/ws`, { headers: { Upgrade: "websocket" } });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
  return wrap(res.webSocket);
}

async function wrap(ws: WebSocket): Promise<Socket> {
  ws.accept();
  const frames: Frame[] = [];
  const listeners = new Set<() => void>();
  let isClosed = false;
  ws.addEventListener("message", (event) => {
    const frame = JSON.parse(String(event.data)) as Frame;
    if (frame.type === "messages") {
      for (const message of frame.messages as ChatMessage[]) frames.push({ type: "message", message });
    } else frames.push(frame);
    for (const listener of listeners) listener();
  });
  const closed = new Promise<{ code: number; at: number }>((resolve) =>
    ws.addEventListener("close", (event) => {
      isClosed = true;
      resolve({ code: event.code, at: Date.now() });
    }),
  );
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
  const socket = { ws, frames, closed, isClosed: () => isClosed, next };
  await next((f) => f.type === "welcome");
  return socket;
}

const texts = (socket: Socket) =>
  socket.frames.filter((f) => f.type === "message").map((f) => (f.message as ChatMessage).text);

async function history(client: Client, room: string): Promise<string[]> {
  const page = await (await client.fetch(`/api/rooms/${room}/history?limit=100`)).json<{ messages: ChatMessage[] }>();
  return page.messages.map((m) => m.text);
}

/** Sends `text` from `socket` and waits until the room has acknowledged it. */
async function say(socket: Socket, text: string): Promise<void> {
  socket.ws.send(JSON.stringify({ type: "message", text, clientMessageId: text.replace(/\W/g, "-").slice(0, 60) }));
  await socket.next((f) => f.type === "ack" && f.clientMessageId === text.replace(/\W/g, "-").slice(0, 60));
}

async function ticketFor(client: Client, room: string): Promise<string> {
  const res = await client.fetch(`/api/rooms/${room}/ticket`, { method: "POST" });
  expect(res.status).toBe(201);
  return (await res.json<{ ticket: string }>()).ticket;
}

let admin: Client;
let watcher: Awaited<ReturnType<typeof registerUser>>;
const timings: string[] = [];

beforeAll(async () => {
  admin = (await registerUser("admin")).client;
  watcher = await registerUser("watcher");
});

type Path = {
  name: string;
  /** Session-scoped paths leave the user's other session alone; account-wide ones end it too. */
  scope: "session" | "account";
  revoke(victim: { a: Client; b: Client; userId: string; aSessionId: string; email: string }): Promise<Response>;
  status: number;
};

const PATHS: Path[] = [
  {
    name: "an admin disables the account",
    scope: "account",
    status: 200,
    revoke: ({ userId }) => admin.fetch(`/api/users/${userId}`, { method: "PATCH", json: { disabled: true } }),
  },
  {
    name: "an admin changes the role",
    scope: "account",
    status: 200,
    revoke: ({ userId }) => admin.fetch(`/api/users/${userId}`, { method: "PATCH", json: { role: "admin" } }),
  },
  {
    name: "the session is revoked",
    scope: "session",
    status: 204,
    revoke: ({ b, aSessionId }) => b.fetch(`/api/sessions/${aSessionId}`, { method: "DELETE" }),
  },
  {
    name: "the session logs out",
    scope: "session",
    status: 204,
    revoke: ({ a }) => a.fetch("/api/auth/logout", { method: "POST" }),
  },
  {
    name: "another session signs out everywhere else",
    scope: "session",
    status: 200,
    revoke: ({ b }) => b.fetch("/api/sessions", { method: "DELETE" }),
  },
  {
    name: "another session changes the password",
    scope: "account",
    status: 200,
    revoke: ({ b }) =>
      b.fetch("/api/users/me", {
        method: "PATCH",
        json: { password: { current: PASSWORD, next: "another long and unusual passphrase" } },
      }),
  },
];

describe("ending a session closes its sockets in every room", () => {
  for (const path of PATHS) {
    it(`${path.name}: 4401 in both rooms, later frames and earlier tickets refused, others stay`, async () => {
      const slug = path.name.split(" ").slice(-2).join("-");
      const [r1, r2] = [`revoke-${slug}-1`, `revoke-${slug}-2`];
      const victim = await registerUser("victim");
      const a = victim.client;
      const aSessionId = (await (await a.fetch("/api/auth/session")).json<{ sessionId: string }>()).sessionId;
      const b = (await login(victim.email)).client;
      const a1 = await open(a, r1);
      const a2 = await open(a, r2);
      const b1 = await open(b, r1);
      const w = await open(watcher.client, r1);
      const ticket = await ticketFor(a, r1);

      const started = Date.now();
      const res = await path.revoke({ a, b, userId: victim.user.id, aSessionId, email: victim.email });
      expect(res.status).toBe(path.status);
      // Sent at once, before the close can have reached this end: the room must not read it.
      try {
        a1.ws.send(JSON.stringify({ type: "message", text: "sent after the revocation", clientMessageId: "late" }));
      } catch {
        // the close got here first
      }
      const [c1, c2] = await Promise.all([a1.closed, a2.closed]);
      expect(c1.code).toBe(CLOSE_SESSION_ENDED);
      expect(c2.code).toBe(CLOSE_SESSION_ENDED);
      timings.push(`${path.name}: 4401 in ${Math.max(c1.at, c2.at) - started} ms`);

      const byTicket = await call(`/api/rooms/${r1}/ws?ticket=${ticket}`, { headers: { Upgrade: "websocket" } });
      expect(byTicket.status).toBe(401);

      if (path.scope === "session") {
        // The user's other session keeps its socket, and it still works.
        await say(b1, "the other session is still here");
        expect(b1.isClosed()).toBe(false);
      } else {
        expect((await b1.closed).code).toBe(CLOSE_SESSION_ENDED);
      }
      await say(w, "marker after the revocation");
      expect(texts(w)).not.toContain("sent after the revocation");
      expect(await history(watcher.client, r1)).not.toContain("sent after the revocation");
      expect(w.isClosed()).toBe(false);
      w.ws.close();
      if (!b1.isClosed()) b1.ws.close();
    });
  }

  it("refuses what a revoked socket still sends and an upgrade already on its way; the others hear it left", async () => {
    const victim = await registerUser("late-sender");
    const room = "revoke-in-flight";
    const v = await open(victim.client, room);
    const w = await open(watcher.client, room);
    const aSessionId = (await (await victim.client.fetch("/api/auth/session")).json<{ sessionId: string }>()).sessionId;
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room));
    // A frame that arrives after the revocation but before the client has seen the close: delivered to the
    // object in the same turn as the revocation, so it cannot have closed yet.
    const result = await runInDurableObject(stub, async (chat: ChatRoom, state) => {
      const revoked = await chat.revokeSessions({ userId: victim.user.id, sessions: [aSessionId] });
      let delivered = 0;
      for (const ws of state.getWebSockets(victim.user.id)) {
        await chat.webSocketMessage(ws, JSON.stringify({ type: "message", text: "in flight", clientMessageId: "f1" }));
        delivered++;
      }
      return { ...revoked, delivered };
    });
    expect(result).toEqual({ closed: 1, remaining: 0, delivered: 1 });
    expect((await v.closed).code).toBe(CLOSE_SESSION_ENDED);
    await w.next((f) => f.type === "presence" && f.event === "leave");
    await say(w, "after in flight");
    expect(texts(w)).not.toContain("in flight");
    expect(await history(watcher.client, room)).toEqual(["after in flight"]);

    // An upgrade that passed the Worker's checks just before the revocation is refused when it reaches the room;
    // another session of the same user is not.
    const upgrade = (sessionId: string) =>
      stub.fetch(ROOM_UPGRADE_URL, {
        headers: {
          Upgrade: "websocket",
          [IDENTITY_HEADERS.userId]: victim.user.id,
          [IDENTITY_HEADERS.displayName]: "late-sender",
          [IDENTITY_HEADERS.sessionId]: sessionId,
          [IDENTITY_HEADERS.epoch]: "0",
        },
      });
    expect((await upgrade(aSessionId)).status).toBe(401);
    const fresh = await upgrade("another-session");
    expect(fresh.status).toBe(101);
    fresh.webSocket?.accept();
    fresh.webSocket?.close();
    w.ws.close();
  });

  it("answers even when a room cannot be told, and a revoked session cannot open a socket", async () => {
    const victim = await registerUser("unreachable");
    await (await open(victim.client, "revoke-reachable")).ws.close();
    // A room the registry lists whose object fails: the revocation still answers, and the others are told.
    const db = env.DB;
    await db
      .prepare("INSERT INTO room_connections (user_id, room, updated_at) VALUES (?, ?, ?)")
      .bind(victim.user.id, "revoke-broken", Date.now())
      .run();
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName("revoke-broken"));
    await runInDurableObject(stub, (chat: ChatRoom) => {
      chat.revokeSessions = () => Promise.reject(new Error("room down"));
    });
    const other = await login(victim.email);
    const socket = await open(victim.client, "revoke-reachable");
    const res = await victim.client.fetch("/api/auth/logout", { method: "POST" });
    expect(res.status).toBe(204);
    expect((await socket.closed).code).toBe(CLOSE_SESSION_ENDED);
    const again = await victim.client.fetch("/api/rooms/revoke-reachable/ws", { headers: { Upgrade: "websocket" } });
    expect(again.status).toBe(401);
    expect((await open(other.client, "revoke-reachable")).isClosed()).toBe(false);
  });

  it("reports the measured times", () => {
    console.log(`room revocation: ${timings.join("; ")}`);
    expect(timings).toHaveLength(PATHS.length);
  });
});
