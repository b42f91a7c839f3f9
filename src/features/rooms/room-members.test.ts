// Private rooms through the Worker's fetch: only members get in, everyone else sees the same 404 as for no
// room at all, and a removed member's open sockets are closed at once.
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, call, registerUser } from "../../../test/helpers";
import { CLOSE_REMOVED_FROM_ROOM, type RoomMembers, type RoomSummary } from "./rooms.schema";

let owner: Awaited<ReturnType<typeof registerUser>>;
let guest: Awaited<ReturnType<typeof registerUser>>;
let third: Awaited<ReturnType<typeof registerUser>>;

beforeAll(async () => {
  owner = await registerUser("owner");
  guest = await registerUser("guest");
  third = await registerUser("third");
});

const post = (client: Client, path: string, json: unknown) =>
  client.fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(json) });
const remove = (client: Client, path: string) => client.fetch(path, { method: "DELETE" });
const code = async (res: Response) => (await res.json<{ code: string }>()).code;

async function listed(client: Client): Promise<RoomSummary[]> {
  return (await (await client.fetch("/api/rooms")).json<{ rooms: RoomSummary[] }>()).rooms;
}

async function open(client: Client, room: string) {
  const res = await client.fetch(`/api/rooms/${room}/ws`, { headers: { Upgrade: "websocket" } });
  if (res.status !== 101 || !res.webSocket) return { status: res.status, ws: null, closed: null };
  const ws = res.webSocket;
  ws.accept();
  const closed = new Promise<number>((resolve) => ws.addEventListener("close", (event) => resolve(event.code)));
  return { status: 101, ws, closed };
}

describe("private rooms", () => {
  it("are created with their creator as owner; a taken name is 409, a bad one 400", async () => {
    const res = await post(owner.client, "/api/rooms", { name: "secret", visibility: "private" });
    expect(res.status).toBe(201);
    expect((await res.json<RoomSummary>()).visibility).toBe("private");
    const members = await (await owner.client.fetch("/api/rooms/secret/members")).json<RoomMembers>();
    expect(members.members.map((m) => [m.userId, m.role])).toEqual([[owner.user.id, "owner"]]);

    const again = await post(guest.client, "/api/rooms", { name: "secret", visibility: "private" });
    expect(again.status).toBe(409);
    expect(await code(again)).toBe("room-exists");
    // A public room that exists because someone joined it cannot be turned private by a create.
    const joined = await open(guest.client, "open-plan");
    joined.ws?.close();
    const claim = await post(owner.client, "/api/rooms", { name: "open-plan", visibility: "private" });
    expect(claim.status).toBe(409);
    for (const bad of [{ name: "Not Valid" }, { name: "ok", visibility: "hidden" }, { name: "ok", extra: 1 }]) {
      expect((await post(owner.client, "/api/rooms", bad)).status, JSON.stringify(bad)).toBe(400);
    }
  });

  it("look like no room at all to anyone who is not a member", async () => {
    await post(owner.client, "/api/rooms", { name: "vault", visibility: "private" });
    for (const path of ["/api/rooms/vault/history", "/room/vault/history", "/api/rooms/vault/members"]) {
      const res = await guest.client.fetch(path);
      expect(res.status, path).toBe(404);
      expect(await code(res), path).toBe("room-not-found");
    }
    expect((await guest.client.fetch("/api/rooms/vault/ticket", { method: "POST" })).status).toBe(404);
    expect((await open(guest.client, "vault")).status).toBe(404);
    expect((await post(guest.client, "/api/rooms/vault/members", { email: guest.email })).status).toBe(404);
    expect((await listed(guest.client)).some((r) => r.name === "vault")).toBe(false);

    const mine = await listed(owner.client);
    expect(mine.find((r) => r.name === "vault")?.visibility).toBe("private");
    expect((await owner.client.fetch("/api/rooms/vault/history")).status).toBe(200);
    const socket = await open(owner.client, "vault");
    expect(socket.status).toBe(101);
    socket.ws?.close();
  });

  it("let any member add people by email, once each", async () => {
    await post(owner.client, "/api/rooms", { name: "team", visibility: "private" });
    const socket = await open(owner.client, "team");
    const announced = new Promise<string>((resolve) =>
      socket.ws?.addEventListener("message", (event) => {
        const frame = JSON.parse(String(event.data));
        if (frame.type === "membership") resolve(`${frame.event} ${frame.userId}`);
      }),
    );
    const added = await post(owner.client, "/api/rooms/team/members", { email: guest.email.toUpperCase() });
    expect(added.status).toBe(201);
    expect(await announced).toBe(`added ${guest.user.id}`);
    socket.ws?.close();
    expect((await added.json<{ userId: string; role: string }>()).role).toBe("member");
    expect((await post(owner.client, "/api/rooms/team/members", { email: guest.email })).status).toBe(200);
    // The new member may add others too.
    expect((await post(guest.client, "/api/rooms/team/members", { email: third.email })).status).toBe(201);

    const unknown = await post(owner.client, "/api/rooms/team/members", { email: "nobody-here@example.com" });
    expect(unknown.status).toBe(404);
    expect(await code(unknown)).toBe("user-not-found");
    expect((await post(owner.client, "/api/rooms/team/members", { email: "not an email" })).status).toBe(400);
    (await open(owner.client, "lobby-public")).ws?.close();
    const pub = await post(owner.client, "/api/rooms/lobby-public/members", { email: guest.email });
    expect(pub.status).toBe(409);
    expect(await code(pub)).toBe("room-public");

    expect((await guest.client.fetch("/api/rooms/team/history")).status).toBe(200);
    const members = await (await guest.client.fetch("/api/rooms/team/members")).json<RoomMembers>();
    expect(members.members.map((m) => m.role)).toEqual(["owner", "member", "member"]);
  });

  it("close a removed member's sockets with 4403 and shut the door at once", async () => {
    await post(owner.client, "/api/rooms", { name: "crew", visibility: "private" });
    await post(owner.client, "/api/rooms/crew/members", { email: guest.email });
    await post(owner.client, "/api/rooms/crew/members", { email: third.email });
    const socket = await open(guest.client, "crew");
    expect(socket.status).toBe(101);
    const watcher = await open(owner.client, "crew");
    const leaves: string[] = [];
    const membership: string[] = [];
    watcher.ws?.addEventListener("message", (event) => {
      const frame = JSON.parse(String(event.data));
      if (frame.type === "presence" && frame.event === "leave") leaves.push(frame.member.userId);
      if (frame.type === "membership") membership.push(`${frame.event} ${frame.userId}`);
    });
    const ticket = await (await guest.client.fetch("/api/rooms/crew/ticket", { method: "POST" })).json<{
      ticket: string;
    }>();

    // Only the owner removes others.
    const refused = await remove(third.client, `/api/rooms/crew/members/${guest.user.id}`);
    expect(refused.status).toBe(403);
    expect(await code(refused)).toBe("not-room-owner");

    expect((await remove(owner.client, `/api/rooms/crew/members/${guest.user.id}`)).status).toBe(204);
    expect(await socket.closed).toBe(CLOSE_REMOVED_FROM_ROOM);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The others hear once that they left, and that the member list changed; a ticket issued before the
    // removal no longer opens the room.
    expect(leaves).toEqual([guest.user.id]);
    expect(membership).toEqual([`removed ${guest.user.id}`]);
    const byTicket = await call(`/api/rooms/crew/ws?ticket=${ticket.ticket}`, { headers: { Upgrade: "websocket" } });
    expect(byTicket.status).toBe(401);
    watcher.ws?.close();
    expect((await guest.client.fetch("/api/rooms/crew/history")).status).toBe(404);
    expect((await open(guest.client, "crew")).status).toBe(404);
    expect((await remove(owner.client, `/api/rooms/crew/members/${guest.user.id}`)).status).toBe(404);

    const stay = await remove(owner.client, `/api/rooms/crew/members/${owner.user.id}`);
    expect(stay.status).toBe(409);
    expect(await code(stay)).toBe("owner-cannot-leave");
    // A member may leave by themself.
    expect((await remove(third.client, `/api/rooms/crew/members/${third.user.id}`)).status).toBe(204);
    expect((await listed(third.client)).some((r) => r.name === "crew")).toBe(false);
  });

  it("keep their messages out of the assistant's answers for non-members", async () => {
    await post(owner.client, "/api/rooms", { name: "board", visibility: "private" });
    const socket = await open(owner.client, "board");
    const acked = new Promise<void>((resolve) =>
      socket.ws?.addEventListener("message", (event) => {
        if (String(event.data).includes('"ack"')) resolve();
      }),
    );
    socket.ws?.send(JSON.stringify({ type: "message", text: "The merger closes on Friday", clientMessageId: "b1" }));
    await acked;
    socket.ws?.close();
    const ask = (client: Client, message: string) => post(client, "/api/assistant/chat", { message });
    const stranger = await (await ask(guest.client, "When does the merger close? See #board")).text();
    expect(stranger).toContain("event: done");
    expect(stranger).not.toContain("merger closes on Friday");
    const member = await (await ask(owner.client, "When does the merger close?")).text();
    expect(member).toContain("merger closes on Friday");
  });
});
