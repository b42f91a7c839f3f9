// GET /api/search through the Worker's fetch: scoping (never another user's private room or files), snippets
// with highlights, FTS syntax and unbalanced quotes, bad input, and arbitrary queries that never give a 5xx.
import { env } from "cloudflare:test";
import { isWellFormedText } from "@outpost/edge-kit/text";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesOf, uploadOk } from "../../../test/files-helpers";
import { type Client, call, registerUser } from "../../../test/helpers";
import { connectRoom } from "../../../test/room-socket";
import { RoomDirectory } from "../rooms";
import type { SearchResults, Snippet } from "./search.schema";
import { searchableRooms } from "./searchable-rooms";

type User = Awaited<ReturnType<typeof registerUser>>;
let alice: User;
let bob: User;
let carol: User;

const search = (client: Client, query: string) => client.fetch(`/api/search?${query}`);
async function results(client: Client, q: string, limit?: number): Promise<SearchResults> {
  const res = await search(client, `q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ""}`);
  if (res.status !== 200) throw new Error(`search ${q}: ${res.status} ${await res.text()}`);
  return res.json<SearchResults>();
}
const roomsOf = (found: SearchResults) => [...new Set(found.messages.map((hit) => hit.room))].sort();
const marked = (snippet: Snippet) => snippet.highlights.map(([from, to]) => snippet.text.slice(from, to).toLowerCase());

/** Sends `texts` to `room` as `client` and waits for each to be stored. */
async function say(client: Client, room: string, texts: string[]): Promise<void> {
  const socket = await connectRoom(client, room);
  for (const [i, text] of texts.entries()) {
    const clientMessageId = `say-${i}-${crypto.randomUUID()}`;
    socket.send({ type: "message", text, clientMessageId });
    await socket.next((f) => f.type === "ack" && f.clientMessageId === clientMessageId);
  }
  socket.ws.close();
}

/** What the analysis would write: the file in the FTS5 index with this summary. */
async function indexFile(fileId: string, ownerId: string, name: string, summary: string, keywords = "") {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM file_search WHERE file_id = ?").bind(fileId),
    env.DB.prepare("INSERT INTO file_search (file_id, owner_id, name, summary, keywords) VALUES (?, ?, ?, ?, ?)").bind(
      fileId,
      ownerId,
      name,
      summary,
      keywords,
    ),
  ]);
}

beforeAll(async () => {
  await registerUser("search-admin");
  alice = await registerUser("alice");
  bob = await registerUser("bob");
  carol = await registerUser("carol");
  const created = [
    await alice.client.fetch("/api/rooms", { method: "POST", json: { name: "vault", visibility: "private" } }),
    await bob.client.fetch("/api/rooms", { method: "POST", json: { name: "commons", visibility: "public" } }),
  ];
  expect(created.map((res) => res.status)).toEqual([201, 201]);
  await say(alice.client, "vault", ["the zebra crossing plan is secret"]);
  await say(bob.client, "commons", ["a zebra walked into the commons", "nothing to see here"]);
});

describe("message search scoping", () => {
  it("finds messages in public rooms and the caller's private rooms, never in another user's private room", async () => {
    expect(roomsOf(await results(alice.client, "zebra"))).toEqual(["commons", "vault"]);
    expect(roomsOf(await results(bob.client, "zebra"))).toEqual(["commons"]);
    const carolSees = await results(carol.client, "zebra secret crossing");
    expect(roomsOf(carolSees)).toEqual(["commons"]);
    expect(carolSees.messages.map((hit) => hit.message.text)).not.toContain("the zebra crossing plan is secret");
  });

  it("reads exactly the rooms RoomDirectory lets the user see", async () => {
    for (const user of [alice, bob, carol]) {
      const visible = await new RoomDirectory(env.DB).visibleTo(user.user.id, 50);
      expect((await searchableRooms(env.DB, user.user.id)).sort()).toEqual(visible.map((r) => r.name).sort());
    }
  });

  it("reads at most 50 rooms, those the user last read in (else newest) first", async () => {
    const old = (i: number) => new Date(Date.UTC(2020, 0, 1, 0, i)).toISOString();
    await env.DB.batch(
      Array.from({ length: 55 }, (_, i) =>
        env.DB.prepare("INSERT INTO rooms (name, created_at, created_by, visibility) VALUES (?, ?, ?, 'public')").bind(
          `bulk-${String(i).padStart(2, "0")}`,
          old(i),
          carol.user.id,
        ),
      ),
    );
    await env.DB.prepare("INSERT INTO room_reads (room, user_id, last_read_id, updated_at) VALUES (?, ?, 0, ?)")
      .bind("bulk-00", carol.user.id, new Date(Date.now() + 60_000).toISOString())
      .run();
    const rooms = await searchableRooms(env.DB, carol.user.id);
    expect(rooms).toHaveLength(50);
    expect(rooms[0]).toBe("bulk-00");
    expect(rooms.slice(1, 3)).toEqual(["commons", "bulk-54"]);
    await env.DB.prepare("DELETE FROM rooms WHERE name LIKE 'bulk-%'").run();
  });

  it("a member added to a private room finds its messages; once removed, no longer", async () => {
    const add = await alice.client.fetch("/api/rooms/vault/members", { method: "POST", json: { email: bob.email } });
    expect(add.status).toBe(201);
    expect(roomsOf(await results(bob.client, "zebra"))).toEqual(["commons", "vault"]);
    const removed = await alice.client.fetch(`/api/rooms/vault/members/${bob.user.id}`, { method: "DELETE" });
    expect(removed.status).toBe(204);
    expect(roomsOf(await results(bob.client, "zebra"))).toEqual(["commons"]);
  });

  it("answers newest first, capped by limit, each hit with its room and the message as it is now", async () => {
    await say(carol.client, "commons", ["zebra one", "zebra two", "zebra three"]);
    const found = await results(carol.client, "zebra", 2);
    expect(found.messages.map((hit) => hit.message.text)).toEqual(["zebra three", "zebra two"]);
    expect(found.messages[0]).toMatchObject({ room: "commons", message: { userId: carol.user.id } });
  });
});

describe("deleted messages", () => {
  it("are never found", async () => {
    const socket = await connectRoom(carol.client, "commons");
    socket.send({ type: "message", text: "the pangolin is a secret", clientMessageId: "pangolin-1" });
    const ack = await socket.next((f) => f.type === "ack" && f.clientMessageId === "pangolin-1");
    expect((await results(carol.client, "pangolin")).messages).toHaveLength(1);
    socket.send({ type: "delete", messageId: ack.id, opId: "pangolin-gone" });
    expect((await socket.next((f) => f.opId === "pangolin-gone")).type).toBe("done");
    socket.ws.close();
    expect((await results(carol.client, "pangolin")).messages).toEqual([]);
  });
});

describe("snippets", () => {
  it("highlight every term in a message, around the first match of a long one", async () => {
    const long = `${"Lorem ipsum dolor sit amet. ".repeat(12)}Then the Ocelot met an ocelot. ${"Sed do eiusmod. ".repeat(12)}`;
    await say(carol.client, "commons", [long]);
    const [hit] = (await results(carol.client, "OCELOT")).messages;
    expect(hit?.message.text).toBe(long.trim());
    expect(hit?.snippet.text.length).toBeLessThanOrEqual(160);
    expect(hit?.snippet.text.startsWith("…")).toBe(true);
    expect(hit && marked(hit.snippet)).toEqual(["ocelot", "ocelot"]);
  });
});

describe("file search", () => {
  it("finds only the caller's own files, by name before any analysis", async () => {
    const mine = await uploadOk(alice.client, bytesOf("alice's notes"), { name: "wombat-alice.txt" });
    const theirs = await uploadOk(bob.client, bytesOf("bob's notes"), { name: "wombat-bob.txt" });
    await env.DB.prepare("DELETE FROM file_search WHERE file_id IN (?, ?)").bind(mine.id, theirs.id).run();
    const found = await results(alice.client, "wombat");
    expect(found.files.map((f) => f.fileId)).toEqual([mine.id]);
    expect(found.files[0]).toMatchObject({ name: "wombat-alice.txt", contentType: mine.contentType });
    expect(found.files[0] && marked(found.files[0].snippet)).toEqual(["wombat"]);
    expect((await results(bob.client, "wombat")).files.map((f) => f.fileId)).toEqual([theirs.id]);
    expect((await results(carol.client, "wombat")).files).toEqual([]);
  });

  it("finds analysed files by summary (the last word as a prefix), with the summary as snippet", async () => {
    const text = "The quokka census. Every quokka was counted on the island this spring.";
    const file = await uploadOk(alice.client, bytesOf(text), { name: "census.txt" });
    await indexFile(file.id, alice.user.id, "census.txt", text);
    const foreign = await uploadOk(bob.client, bytesOf(text), { name: "census.txt" });
    await indexFile(foreign.id, bob.user.id, "census.txt", text);
    for (const q of ["quokka", "quok", "island quok"]) {
      const found = await results(alice.client, q);
      expect(
        found.files.map((f) => f.fileId),
        q,
      ).toEqual([file.id]);
    }
    const [hit] = (await results(alice.client, "quokka")).files;
    expect(hit?.snippet.text).toContain("quokka");
    expect(hit && marked(hit.snippet)).toEqual(["quokka", "quokka"]);
  });

  it("leaves out a file being deleted even while its index row remains", async () => {
    const file = await uploadOk(alice.client, bytesOf("numbat facts"), { name: "numbat.txt" });
    await indexFile(file.id, alice.user.id, "numbat.txt", "numbat facts");
    expect((await results(alice.client, "numbat")).files).toHaveLength(1);
    await env.DB.prepare("UPDATE files SET status = 'deleting' WHERE id = ?").bind(file.id).run();
    expect((await results(alice.client, "numbat")).files).toEqual([]);
  });
});

describe("query sanitising", () => {
  it.each([
    '"zebra',
    'zebra"',
    '"zebra crossing',
    "zebra*",
    "*zebra",
    "NEAR(zebra crossing)",
    "zebra AND OR NOT",
    "(zebra",
    "name:zebra",
    "^zebra",
    "-zebra",
    "zebra%",
    "zeb_ra",
  ])("%j is searched as words, never as syntax", async (q) => {
    const found = await results(alice.client, q);
    expect(found.query).toBe(q);
    expect(found.terms.every((t) => /^[\p{L}\p{N}]+$/u.test(t))).toBe(true);
    if (found.terms.some((t) => t.toLowerCase() === "zebra")) expect(roomsOf(found)).toContain("commons");
  });

  it.each(['"', '""', '"""', "*", "( )", "AND", "NOT OR", ":^-", "💥", "   "])(
    "%j has no words: 200 with no hits",
    async (q) => {
      expect(await results(alice.client, q)).toEqual({ query: q, terms: [], messages: [], files: [] });
    },
  );

  it.each([
    ["no q", ""],
    ["an empty q", "q="],
    ["a q over 200 characters", `q=${"a".repeat(201)}`],
    ["limit 0", "q=zebra&limit=0"],
    ["limit 51", "q=zebra&limit=51"],
    ["a limit that is not a number", "q=zebra&limit=ten"],
    ["a q that is not UTF-8", "q=%FF"],
    ["a q with a lone surrogate", "q=%ED%A0%80"],
  ])("%s → 400 problem+json", async (_, query) => {
    const res = await search(alice.client, query);
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  });

  it("is documented in the OpenAPI document", async () => {
    const doc = await (await call("/api/openapi.json")).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toContain("/api/search");
  });

  it("accepts exactly 200 characters (a word longer than a LIKE pattern may be is cut), and wants a session", async () => {
    const long = await search(alice.client, `q=${"a".repeat(200)}`);
    expect(long.status).toBe(200);
    expect((await long.json<SearchResults>()).terms).toEqual(["a".repeat(48)]);
    const word = "é".repeat(40);
    await say(carol.client, "commons", [`a long word: ${word}`]);
    expect((await results(carol.client, word)).messages.map((hit) => hit.message.text)).toEqual([
      `a long word: ${word}`,
    ]);
    expect((await call("/api/search?q=zebra")).status).toBe(401);
  });

  it("answers any query with 200 or 400, never a 5xx", async () => {
    const syntax = fc.constantFrom('"', "*", "NEAR", "AND", "OR", "NOT", "(", ")", ":", "^", "-", " ", "%", "zebra");
    const query = fc.oneof(
      fc.string({ unit: syntax, maxLength: 30 }),
      fc.string({ maxLength: 210 }),
      fc.string({ unit: "grapheme", maxLength: 60 }),
      fc.string({ unit: "binary", maxLength: 60 }),
      fc.string({ unit: fc.constantFrom("a", "é", "漢", "😀", "Z"), minLength: 40, maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        // A lone surrogate has no UTF-8 form: send the bytes a careless client would (WTF-8 of U+D800).
        const encoded = Array.from(q, (ch) => (isWellFormedText(ch) ? encodeURIComponent(ch) : "%ED%A0%80")).join("");
        const res = await search(carol.client, `q=${encoded}`);
        await res.arrayBuffer();
        expect([200, 400], q).toContain(res.status);
      }),
      { numRuns: 150, seed: 777 },
    );
  });
});
