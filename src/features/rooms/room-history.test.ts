// The room's one log at its boundaries: one id sequence for messages and events, rows written per operation,
// permissions, idempotent reactions, flat threads, replay after an id, retention of whole messages and their
// events, and a room made before the log (old rows load with the new fields' defaults).
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatRoom } from "./chat-room";
import type { RoomHistory } from "./room-history";
import { MAX_EMOJI_PER_MESSAGE, REACTION_USERS_SHOWN, type RoomEvent } from "./rooms.schema";

const alice = { userId: "alice", displayName: "Alice" };
const bob = { userId: "bob", displayName: "Bob" };
let roomSeq = 0;

function withLog<T>(fn: (log: RoomHistory, state: DurableObjectState) => T): Promise<T> {
  roomSeq++;
  const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(`log-${roomSeq}`));
  return runInDurableObject(stub, (room: ChatRoom, state) => fn(room.store, state));
}

const post = (log: RoomHistory, who: typeof alice, text: string, root: number | null = null, clientId?: string) =>
  log.insert({ ...who, text, clientMessageId: clientId, now: Date.now() }, root === null ? null : log.rootFor(root))
    .message;

/** What each call of `ops` writes, as the Durable Object's SQLite API reports it. */
function rowsWritten(state: DurableObjectState, ops: (() => unknown)[]): number[] {
  const sql = state.storage.sql;
  const exec = sql.exec.bind(sql);
  let written = 0;
  Object.defineProperty(sql, "exec", {
    configurable: true,
    value: (query: string, ...bindings: unknown[]) => {
      const cursor = exec(query, ...bindings);
      const rows = cursor.toArray();
      written += cursor.rowsWritten;
      return { toArray: () => rows, one: () => rows[0], rowsWritten: cursor.rowsWritten };
    },
  });
  try {
    return ops.map((op) => {
      written = 0;
      op();
      return written;
    });
  } finally {
    Object.defineProperty(sql, "exec", { configurable: true, value: exec });
  }
}

describe("the room's log", () => {
  it("gives messages and events one id sequence", async () => {
    const ids = await withLog((log) => {
      const m1 = post(log, alice, "one");
      const edit = log.edit(m1.id, alice, "one!", Date.now()) as RoomEvent;
      const m2 = post(log, bob, "two");
      const react = log.react(m2.id, alice, "👍", true, Date.now()) as RoomEvent;
      return [m1.id, edit.id, m2.id, react.id, log.lastId()];
    });
    expect(ids).toEqual([1, 2, 3, 4, 4]);
  });

  it("writes 2 rows per message, 4 per thread reply, 2 per edit, 2 + its reactions per delete, 2 per reaction", async () => {
    const counts = await withLog((log, state) => {
      let root = 0;
      let target = 0;
      return rowsWritten(state, [
        () => (root = post(log, alice, "root", null, "c1").id),
        () => post(log, alice, "retry", null, "c1"),
        () => post(log, bob, "reply", root, "c2"),
        () => post(log, bob, "plain without client id"),
        () => log.edit(root, alice, "root (edited)", Date.now()),
        () => log.react(root, bob, "👍", true, Date.now()),
        () => log.react(root, bob, "👍", true, Date.now()),
        () => log.react(root, alice, "👍", true, Date.now()),
        () => log.react(root, alice, "👍", false, Date.now()),
        () => (target = post(log, bob, "doomed", null, "c3").id),
        () => log.react(target, alice, "🎉", true, Date.now()),
        () => log.react(target, bob, "🎉", true, Date.now()),
        () => log.delete(target, bob, false, Date.now()),
      ]);
    });
    console.log(
      `rows written: message ${counts[0]}, retry ${counts[1]}, thread reply ${counts[2]}, message without client id ${counts[3]}, ` +
        `edit ${counts[4]}, reaction add ${counts[5]}, no-op reaction ${counts[6]}, reaction remove ${counts[8]}, ` +
        `delete with 2 reactions ${counts[12]}`,
    );
    expect(counts).toEqual([2, 0, 4, 1, 2, 2, 0, 2, 2, 2, 2, 2, 4]);
  });

  it("lets only the author edit, and the author or a moderator delete; a deleted message is gone for both", async () => {
    const outcome = await withLog((log) => {
      const m = post(log, alice, "mine");
      const other = post(log, alice, "also mine");
      return {
        editByOther: log.edit(m.id, bob, "hijack", 1),
        deleteByOther: log.delete(m.id, bob, false, 1),
        text: log.messages.get(m.id)?.text,
        deleteByModerator: "kind" in log.delete(other.id, bob, true, 1),
        deleteByAuthor: "kind" in log.delete(m.id, alice, false, 1),
        again: log.delete(m.id, alice, false, 1),
        editDeleted: log.edit(m.id, alice, "back", 1),
        reactDeleted: log.react(m.id, alice, "👍", true, 1),
        unknown: log.react(999, alice, "👍", true, 1),
        tombstone: log.messages.get(m.id),
        searchable: log.search(["mine"], 10).length,
      };
    });
    expect(outcome).toMatchObject({
      editByOther: { error: "forbidden" },
      deleteByOther: { error: "forbidden" },
      text: "mine",
      deleteByModerator: true,
      deleteByAuthor: true,
      again: { error: "not-found" },
      editDeleted: { error: "not-found" },
      reactDeleted: { error: "not-found" },
      unknown: { error: "not-found" },
      tombstone: { text: "", attachments: [], mentions: [], reactions: [] },
      searchable: 0,
    });
    expect(outcome.tombstone?.deletedAt).not.toBeNull();
  });

  it("counts reactions exactly, caps distinct emoji, and orders emoji by when each appeared", async () => {
    const result = await withLog((log) => {
      const m = post(log, alice, "react to me");
      log.react(m.id, alice, "👍", true, 1);
      log.react(m.id, bob, "🎉", true, 1);
      log.react(m.id, bob, "👍", true, 1);
      // The first 👍 goes: 👍 keeps its place before 🎉.
      log.react(m.id, alice, "👍", false, 1);
      for (let i = 2; i < MAX_EMOJI_PER_MESSAGE; i++)
        log.react(m.id, alice, String.fromCodePoint(0x1f600 + i), true, 1);
      const refused = log.react(m.id, bob, "🚀", true, 1);
      const existing = log.react(m.id, alice, "🎉", true, 1);
      const [forBob] = log.withReactions([log.messages.get(m.id) as never], "bob");
      return { refused, existing, reactions: forBob?.reactions };
    });
    expect(result.refused).toEqual({ error: "too-many-reactions" });
    expect(result.existing).toMatchObject({ kind: "reaction", added: true, count: 2 });
    expect(result.reactions?.slice(0, 2)).toEqual([
      { emoji: "👍", count: 1, users: [bob], mine: true },
      { emoji: "🎉", count: 2, users: [bob, alice], mine: true },
    ]);
    expect(result.reactions).toHaveLength(MAX_EMOJI_PER_MESSAGE);
  });

  it("keeps a crowded emoji exact: the count of every reactor, the first REACTION_USERS_SHOWN of them, `mine` for any", async () => {
    const result = await withLog((log) => {
      const m = post(log, alice, "popular");
      for (let i = 0; i < 500; i++) log.react(m.id, { userId: `u${i}`, displayName: `U${i}` }, "👍", true, 1);
      const read = (reader: string) => log.withReactions([log.messages.get(m.id) as never], reader)[0]?.reactions;
      return { forLast: read("u499"), forNobody: read("nobody") };
    });
    expect(result.forLast).toEqual([
      {
        emoji: "👍",
        count: 500,
        users: Array.from({ length: REACTION_USERS_SHOWN }, (_, i) => ({ userId: `u${i}`, displayName: `U${i}` })),
        mine: true,
      },
    ]);
    expect(result.forNobody?.[0]).toMatchObject({ count: 500, mine: false });
  });

  it("files a reply to a reply under the root, keeps replies out of the timeline and sums them up on the root", async () => {
    const result = await withLog((log) => {
      const root = post(log, alice, "root");
      const r1 = post(log, bob, "r1", root.id);
      const r2 = post(log, alice, "r2", r1.id);
      return {
        r2Root: r2.threadRootId,
        timeline: log.page(undefined, 50, null).messages.map((m) => m.text),
        thread: log.thread(r1.id, 0, 50, null),
        around: log.around(r2.id, 3, null).messages.map((m) => m.id),
      };
    });
    expect(result.r2Root).toBe(1);
    expect(result.timeline).toEqual(["root"]);
    expect(result.thread?.root).toMatchObject({ id: 1, replyCount: 2, lastReplyId: 3, repliers: [alice, bob] });
    expect(result.thread?.replies.map((m) => m.text)).toEqual(["r1", "r2"]);
    expect(result.around).toEqual([1]);
  });

  it("replays new messages as they are now and events about older ones, in id order", async () => {
    const replay = await withLog((log) => {
      const m1 = post(log, alice, "m1");
      const m2 = post(log, bob, "m2");
      log.edit(m1.id, alice, "m1 edited", 1);
      log.react(m2.id, alice, "👍", true, 1);
      const m5 = post(log, alice, "m5");
      log.edit(m5.id, alice, "m5 edited", 1);
      return log.replay(2, "alice", 100);
    });
    expect(replay).toMatchObject([
      { event: { kind: "edit", id: 3, messageId: 1 } },
      { event: { kind: "reaction", id: 4, messageId: 2 } },
      { message: { id: 5, text: "m5 edited" } },
    ]);
  });

  it("retention drops whole messages with their events and reactions, and ids never come back", async () => {
    const result = await withLog((log, state) => {
      for (let i = 0; i < 5; i++) post(log, alice, `m${i}`);
      log.react(1, bob, "👍", true, 1);
      log.edit(1, alice, "edited", 1);
      log.enforceRetention(3);
      const sql = state.storage.sql;
      const count = (table: string) => sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;
      return {
        messages: count("messages"),
        events: count("events"),
        reactions: count("reactions"),
        last: log.lastId(),
      };
    });
    expect(result).toEqual({ messages: 3, events: 0, reactions: 0, last: 7 });
    // A new instance after that (ids from the floor recorded in meta, not from what is left).
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(`log-${roomSeq}`));
    const next = await runInDurableObject(stub, async (_room: ChatRoom, state) => {
      const { RoomHistory } = await import("./room-history");
      return new RoomHistory(state.storage).lastId();
    });
    expect(next).toBe(7);
  });

  it("loads a room from before the log: old rows get the new fields' defaults", async () => {
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName("log-legacy"));
    const loaded = await runInDurableObject(stub, async (_room: ChatRoom, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE messages");
      sql.exec(`CREATE TABLE messages (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, display_name TEXT NOT NULL,
        text TEXT NOT NULL, client_id TEXT, created_at INTEGER NOT NULL)`);
      sql.exec(
        "INSERT INTO messages (user_id, display_name, text, client_id, created_at) VALUES ('a', 'A', 'old', 'o1', 1)",
      );
      const { RoomHistory } = await import("./room-history");
      const log = new RoomHistory(state.storage);
      const next = log.insert({ ...alice, text: "new", now: 2 }).message;
      return { old: log.page(undefined, 10, null).messages[0], next: next.id };
    });
    expect(loaded.old).toMatchObject({
      id: 1,
      text: "old",
      threadRootId: null,
      editedAt: null,
      deletedAt: null,
      reactions: [],
      replyCount: 0,
      lastReplyId: null,
      repliers: [],
      attachments: [],
      mentions: [],
      mentionsRoom: false,
    });
    expect(loaded.next).toBe(2);
  });
});
