// The inbox as a user sees it, through the Worker's fetch: a mention delivered while they were offline shows on
// their next connect and page; live entries; marking read on one device updates the others; nobody reaches
// another user's inbox; entries of a private room the user cannot see are dropped; the socket ends with the session.
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, type Client, call, registerUser } from "../../../test/helpers";
import type { InboxEntry, InboxFrame, InboxNotice, InboxPage } from "./inbox.schema";
import { InboxEntries } from "./inbox-entries";

type User = Awaited<ReturnType<typeof registerUser>>;
let alice: User;
let bob: User;

beforeAll(async () => {
  alice = await registerUser("alice");
  bob = await registerUser("bob");
  for (const [name, visibility] of [
    ["inbox-public", "public"],
    ["inbox-secret", "private"],
  ] as const) {
    const res = await alice.client.fetch("/api/rooms", { method: "POST", json: { name, visibility } });
    expect([201, 409]).toContain(res.status);
  }
});

let messageSeq = 0;
/** What a room's outbox delivers: a notice to `to`'s Inbox, by RPC. */
async function deliver(to: User, overrides: Partial<InboxNotice> = {}): Promise<number> {
  messageSeq++;
  const notice: InboxNotice = {
    to: to.user.id,
    kind: "mention",
    room: "inbox-public",
    messageId: messageSeq,
    threadRootId: null,
    from: { userId: alice.user.id, displayName: "alice" },
    excerpt: `hey @bob #${messageSeq}`,
    createdAt: new Date().toISOString(),
    ...overrides,
  };
  await env.INBOX.get(env.INBOX.idFromName(to.user.id)).add([notice]);
  return notice.messageId;
}

async function page(client: Client, query = ""): Promise<InboxPage> {
  const res = await client.fetch(`/api/inbox${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<InboxPage>();
}

const markRead = (client: Client, body: unknown) => client.fetch("/api/inbox/read", { method: "POST", json: body });

interface InboxSocket {
  frames: InboxFrame[];
  next(match: (frame: InboxFrame) => boolean): Promise<InboxFrame>;
  closed: Promise<number>;
}

async function connect(client: Client): Promise<InboxSocket> {
  const res = await client.fetch("/api/inbox/ws", { headers: { Upgrade: "websocket" } });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
  const ws = res.webSocket;
  const frames: InboxFrame[] = [];
  const waiting = new Set<() => void>();
  ws.addEventListener("message", (event) => {
    frames.push(JSON.parse(String(event.data)) as InboxFrame);
    for (const wake of waiting) wake();
  });
  const closed = new Promise<number>((resolve) => ws.addEventListener("close", (event) => resolve(event.code)));
  ws.accept();
  const next = (match: (frame: InboxFrame) => boolean) =>
    new Promise<InboxFrame>((resolve, reject) => {
      const check = () => {
        const found = frames.find(match);
        if (!found) return;
        waiting.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => reject(new Error(`no such frame; got ${JSON.stringify(frames)}`)), 5_000);
      waiting.add(check);
      check();
    });
  return { frames, next, closed };
}

describe("inbox", () => {
  it("answers 401 without a session, on every route", async () => {
    expect((await call("/api/inbox")).status).toBe(401);
    expect((await call("/api/inbox/read", { method: "POST", json: { all: true } })).status).toBe(401);
    const ws = await call("/api/inbox/ws", { headers: { Upgrade: "websocket", Origin: BASE } });
    expect(ws.status).toBe(401);
    expect(ws.webSocket).toBeNull();
  });

  it("shows a mention delivered while the user was offline on their next connect and page", async () => {
    const carol = await registerUser("carol");
    const id = await deliver(carol);
    const socket = await connect(carol.client);
    const hello = await socket.next((f) => f.type === "hello");
    expect(hello).toMatchObject({ type: "hello", unread: 1 });
    const latest = (hello as { latest: InboxEntry[] }).latest;
    expect(latest.map((e) => [e.messageId, e.kind, e.room, e.read, e.from.userId])).toEqual([
      [id, "mention", "inbox-public", false, alice.user.id],
    ]);
    const listed = await page(carol.client);
    expect(listed.unread).toBe(1);
    expect(listed.entries.map((e) => e.messageId)).toEqual([id]);
  });

  it("pushes new entries live, and read changes to every device", async () => {
    const dan = await registerUser("dan");
    const phone = await connect(dan.client);
    const laptop = await connect(dan.client);
    await phone.next((f) => f.type === "hello");
    const id = await deliver(dan, { kind: "reply", threadRootId: 1 });
    const entry = await laptop.next((f) => f.type === "entry");
    expect(entry).toMatchObject({ type: "entry", unread: 1, entry: { messageId: id, kind: "reply", threadRootId: 1 } });
    const entryId = (entry as { entry: InboxEntry }).entry.id;

    const res = await markRead(dan.client, { ids: [entryId] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ unread: 0 });
    expect(await phone.next((f) => f.type === "read")).toEqual({ type: "read", unread: 0, ids: [entryId], all: false });
    expect((await page(dan.client)).entries[0]).toMatchObject({ id: entryId, read: true });
  });

  it("marks all read, ignores unknown ids, refuses malformed bodies", async () => {
    const erin = await registerUser("erin");
    for (let i = 0; i < 3; i++) await deliver(erin);
    expect(await (await markRead(erin.client, { ids: [999_999] })).json()).toEqual({ unread: 3 });
    expect(await (await markRead(erin.client, { all: true })).json()).toEqual({ unread: 0 });
    for (const body of [{}, { ids: [] }, { all: false }, { ids: [1], all: true }, { ids: ["1"] }]) {
      expect((await markRead(erin.client, body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it("pages newest first with nextBefore", async () => {
    const finn = await registerUser("finn");
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await deliver(finn));
    const first = await page(finn.client, "?limit=2");
    expect(first.entries.map((e) => e.messageId)).toEqual([ids[4], ids[3]]);
    expect(first.nextBefore).not.toBeNull();
    const second = await page(finn.client, `?limit=2&before=${first.nextBefore}`);
    expect(second.entries.map((e) => e.messageId)).toEqual([ids[2], ids[1]]);
    const last = await page(finn.client, `?limit=2&before=${second.nextBefore}`);
    expect(last.entries.map((e) => e.messageId)).toEqual([ids[0]]);
    expect(last.nextBefore).toBeNull();
    expect((await finn.client.fetch("/api/inbox?limit=101")).status).toBe(400);
    expect((await finn.client.fetch("/api/inbox?before=x")).status).toBe(400);
  });

  it("reaches only the caller's own inbox, whatever the request says", async () => {
    const id = await deliver(bob);
    const bobEntry = (await page(bob.client)).entries.find((e) => e.messageId === id) as InboxEntry;
    const theirs = await page(alice.client, `?userId=${bob.user.id}&user=${bob.user.id}`);
    expect(theirs.entries.some((e) => e.messageId === id)).toBe(false);
    // Alice marking Bob's entry id marks nothing of Bob's.
    await markRead(alice.client, { ids: [bobEntry.id] });
    expect((await page(bob.client)).entries.find((e) => e.id === bobEntry.id)?.read).toBe(false);
    const aliceSocket = await connect(alice.client);
    const hello = (await aliceSocket.next((f) => f.type === "hello")) as { latest: InboxEntry[] };
    expect(hello.latest.some((e) => e.messageId === id)).toBe(false);
  });

  it("drops entries of a private room the user is not in (and their unread)", async () => {
    const gail = await registerUser("gail");
    const visible = await deliver(gail, { room: "inbox-public" });
    await deliver(gail, { room: "inbox-secret", excerpt: "the secret plan" });
    await deliver(gail, { room: "no-such-room" });
    const listed = await page(gail.client);
    expect(listed.entries.map((e) => [e.room, e.messageId])).toEqual([["inbox-public", visible]]);
    expect(listed.unread).toBe(1);
    const socket = await connect(gail.client);
    const hello = (await socket.next((f) => f.type === "hello")) as { latest: InboxEntry[]; unread: number };
    expect(JSON.stringify(hello)).not.toContain("secret");
    expect(hello.unread).toBe(1);
  });

  it("drops a private room's entries once the user is removed from it", async () => {
    const jay = await registerUser("jay");
    const add = await alice.client.fetch("/api/rooms/inbox-secret/members", {
      method: "POST",
      json: { email: jay.email },
    });
    expect(add.status).toBe(201);
    const id = await deliver(jay, { room: "inbox-secret" });
    expect((await page(jay.client)).entries.map((e) => e.messageId)).toEqual([id]);
    const socket = await connect(jay.client);
    await socket.next((f) => f.type === "hello");
    const removed = await alice.client.fetch(`/api/rooms/inbox-secret/members/${jay.user.id}`, { method: "DELETE" });
    expect(removed.status).toBe(204);
    expect(await page(jay.client)).toEqual({ entries: [], unread: 0, nextBefore: null });
    expect(await socket.next((f) => f.type === "dropped")).toEqual({
      type: "dropped",
      rooms: ["inbox-secret"],
      unread: 0,
    });
  });

  it("checks at most 20 rooms a page: a page with more ends early and the next one carries on", async () => {
    const ivy = await registerUser("ivy");
    const sent: number[] = [];
    for (let i = 0; i < 22; i++) {
      const name = `inbox-many-${i}`;
      expect((await alice.client.fetch("/api/rooms", { method: "POST", json: { name } })).status).toBe(201);
      sent.push(await deliver(ivy, { room: name }));
    }
    const first = await page(ivy.client, "?limit=50");
    expect(first.entries).toHaveLength(20);
    expect(first.unread).toBe(22);
    const rest = await page(ivy.client, `?limit=50&before=${first.nextBefore}`);
    expect([...first.entries, ...rest.entries].map((e) => e.messageId)).toEqual([...sent].reverse());
    expect(rest.nextBefore).toBeNull();
  });

  it("refuses a foreign Origin and a plain GET on the socket route", async () => {
    const res = await bob.client.fetch("/api/inbox/ws", {
      headers: { Upgrade: "websocket", Origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect((await bob.client.fetch("/api/inbox/ws")).status).toBe(426);
  });

  it("closes the inbox socket with 4401 when its session ends", async () => {
    const hal = await registerUser("hal");
    const socket = await connect(hal.client);
    await socket.next((f) => f.type === "hello");
    expect((await hal.client.fetch("/api/auth/logout", { method: "POST" })).status).toBe(204);
    expect(await socket.closed).toBe(4401);
  });
});

describe("InboxEntries", () => {
  it("keeps the newest `keep` entries, ids never reused, and is idempotent by room + message + kind", async () => {
    const stub = env.INBOX.get(env.INBOX.idFromName("entries-retention"));
    const result = await runInDurableObject(stub, (_object, state) => {
      const entries = new InboxEntries(state.storage.sql, 3);
      const n = (messageId: number, kind: InboxNotice["kind"] = "mention"): InboxNotice => ({
        to: "u",
        kind,
        room: "r",
        messageId,
        threadRootId: null,
        from: { userId: "a", displayName: "A" },
        excerpt: "x",
        createdAt: "2026-01-01T00:00:00.000Z",
      });
      const added = entries.add([n(1), n(2), n(1), n(1, "reply")], 0).map((e) => e.id);
      const more = entries.add([n(3), n(4), n(5)], 0).map((e) => e.id);
      const again = entries.add([n(5)], 0);
      return { added, more, again, page: entries.page(undefined, 10), rooms: entries.rooms(10) };
    });
    // Ids only grow (a conflicting insert may use one up: gaps are fine, reuse never happens).
    expect(result.added).toHaveLength(3);
    expect([...result.added].sort((a, b) => a - b)).toEqual(result.added);
    // Three new entries through a cap of three: they stay, the older three go.
    expect(result.more).toHaveLength(3);
    expect(Math.min(...result.more)).toBeGreaterThan(Math.max(...result.added));
    expect(result.again).toEqual([]);
    expect(result.page.entries.map((e) => e.id)).toEqual([...result.more].reverse());
    expect(result.page.unread).toBe(3);
    expect(result.rooms).toEqual(["r"]);
  });
});
