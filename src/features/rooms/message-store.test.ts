// The room's message store at its boundaries: pages of exactly `limit`, retention that keeps exactly `keep`,
// replay after an id, unread counts, and search (terms escaped, none at all).
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatRoom } from "./chat-room";
import { MessageStore } from "./message-store";

let roomSeq = 0;
/** Runs `fn` on the store of a fresh room holding `count` messages m1…m<count> (alice, then bob alternating). */
function withStore<T>(count: number, fn: (store: MessageStore) => T): Promise<T> {
  roomSeq++;
  const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(`store-${roomSeq}`));
  return runInDurableObject(stub, (room: ChatRoom) => {
    for (let i = 1; i <= count; i++) {
      const userId = i % 2 === 1 ? "alice" : "bob";
      room.store.messages.insert({ userId, displayName: userId, text: `m${i}`, now: 1_000 * i });
    }
    return fn(room.store.messages);
  });
}

const ids = (messages: { id: number }[]) => messages.map((m) => m.id);

describe("MessageStore", () => {
  it("pages: a page of exactly `limit` with nothing older has no cursor; one more message gives one", async () => {
    expect(await withStore(5, (s) => s.page(undefined, 5))).toMatchObject({ nextBefore: null });
    const six = await withStore(6, (s) => s.page(undefined, 5));
    expect(ids(six.messages)).toEqual([2, 3, 4, 5, 6]);
    expect(six.nextBefore).toBe(2);
    const older = await withStore(6, (s) => s.page(2, 5));
    expect({ ids: ids(older.messages), nextBefore: older.nextBefore }).toEqual({ ids: [1], nextBefore: null });
    expect(await withStore(0, (s) => s.page(undefined, 5))).toEqual({ messages: [], nextBefore: null });
  });

  it("replays strictly after an id, oldest first, at most `limit`", async () => {
    expect(ids(await withStore(5, (s) => s.after(2, 10)))).toEqual([3, 4, 5]);
    expect(ids(await withStore(5, (s) => s.after(0, 2)))).toEqual([1, 2]);
    expect(await withStore(5, (s) => s.after(5, 10))).toEqual([]);
  });

  it("retention keeps exactly the newest `keep` messages and reports how many went", async () => {
    expect(await withStore(10, (s) => [s.enforceRetention(10), s.firstId()])).toEqual([0, 1]);
    expect(await withStore(10, (s) => [s.enforceRetention(9), s.firstId(), s.lastId()])).toEqual([1, 2, 10]);
    expect(await withStore(10, (s) => [s.enforceRetention(3), ids(s.after(0, 100))])).toEqual([7, [8, 9, 10]]);
    // Ids are never reused after a trim.
    const next = await withStore(3, (s) => {
      s.enforceRetention(1);
      return s.insert({ userId: "alice", displayName: "alice", text: "new", now: 9_999 }).message.id;
    });
    expect(next).toBe(4);
    // Even asked to keep none, the newest stays: the next id is one more than the largest.
    expect(await withStore(3, (s) => [s.enforceRetention(0), s.firstId(), s.lastId()])).toEqual([2, 3, 3]);
    expect(await withStore(0, (s) => [s.firstId(), s.lastId(), s.lastMessageAt()])).toEqual([0, 0, null]);
  });

  it("counts unread messages after a cursor that others sent", async () => {
    // m1 alice, m2 bob, m3 alice, m4 bob, m5 alice
    expect(
      await withStore(5, (s) => [s.unreadSince(0, "alice"), s.unreadSince(2, "alice"), s.unreadSince(0, "bob")]),
    ).toEqual([2, 1, 3]);
    expect(await withStore(5, (s) => s.unreadSince(5, "bob"))).toBe(0);
    expect(await withStore(5, (s) => s.lastMessageAt())).toBe(5_000);
  });

  it("searches by any term, most matching terms first, wildcards taken literally, nothing for no terms", async () => {
    const found = await withStore(0, (s) => {
      for (const text of ["deploy friday", "deploy monday evening", "100% done", "100 done", "friday deploy plan"]) {
        s.insert({ userId: "alice", displayName: "alice", text, now: 1 });
      }
      return {
        both: s.search(["deploy", "friday"], 10).map((m) => m.text),
        percent: s.search(["100%"], 10).map((m) => m.text),
        none: s.search([], 10),
        empty: s.search([""], 10),
        limited: s.search(["deploy"], 1).map((m) => m.text),
      };
    });
    expect(found.both).toEqual(["friday deploy plan", "deploy friday", "deploy monday evening"]);
    expect(found.percent).toEqual(["100% done"]);
    expect(found.none).toEqual([]);
    expect(found.empty).toEqual([]);
    expect(found.limited).toEqual(["friday deploy plan"]);
  });

  it("searches with words longer than SQLite's LIKE pattern limit (cut to their first 48 bytes), never throwing", async () => {
    const long = `${"ö".repeat(30)}${"x".repeat(100)}`;
    const found = await withStore(0, (s) => {
      s.insert({ userId: "alice", displayName: "alice", text: `see ${long}`, now: 1 });
      s.insert({ userId: "alice", displayName: "alice", text: "unrelated", now: 2 });
      return {
        long: s.search([long], 10).map((m) => m.id),
        escapes: s.search(["%".repeat(200)], 10).length,
      };
    });
    expect(found.long).toEqual([1]);
    expect(found.escapes).toBe(0);
  });

  it("writes two rows per new message and none for a retry", async () => {
    const writes = await withStore(0, () => null).then(() =>
      runInDurableObject(env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(`store-${roomSeq}`)), (room: ChatRoom, state) => {
        const sql = state.storage.sql;
        const exec = sql.exec.bind(sql);
        let rowsWritten = 0;
        // Counts what every statement of an insert writes, as the Durable Object's SQLite API reports it.
        Object.defineProperty(sql, "exec", {
          configurable: true,
          value: (query: string, ...bindings: unknown[]) => {
            const cursor = exec(query, ...bindings);
            const rows = cursor.toArray();
            rowsWritten += cursor.rowsWritten;
            return { toArray: () => rows, one: () => rows[0] };
          },
        });
        try {
          const counts: number[] = [];
          for (const clientMessageId of ["w1", "w2", "w1", undefined]) {
            rowsWritten = 0;
            room.store.messages.insert({ userId: "alice", displayName: "alice", text: "x", clientMessageId, now: 1 });
            counts.push(rowsWritten);
          }
          return counts;
        } finally {
          Object.defineProperty(sql, "exec", { configurable: true, value: exec });
        }
      }),
    );
    // New, new, a retry of w1 (nothing written), and one without a client id (no index entry).
    expect(writes).toEqual([2, 2, 0, 1]);
  });

  it("moves a room made with AUTOINCREMENT to the plain table, keeping ids, texts and idempotency", async () => {
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName("store-autoincrement"));
    const after = await runInDurableObject(stub, (_room: ChatRoom, state) => {
      const sql = state.storage.sql;
      // The table as rooms created before this change have it, with two messages and a trimmed first one.
      sql.exec("DROP TABLE messages");
      sql.exec(`CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL,
        display_name TEXT NOT NULL, text TEXT NOT NULL, client_id TEXT, created_at INTEGER NOT NULL)`);
      sql.exec(
        "CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client ON messages (user_id, client_id) WHERE client_id IS NOT NULL",
      );
      for (const [text, clientId] of [
        ["old", "o1"],
        ["kept", "k1"],
        ["newest", "n1"],
      ]) {
        sql.exec(
          "INSERT INTO messages (user_id, display_name, text, client_id, created_at) VALUES ('alice', 'alice', ?, ?, 1)",
          text,
          clientId,
        );
      }
      sql.exec("DELETE FROM messages WHERE id = 1");
      const store = new MessageStore(state.storage);
      const schema = sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'messages'").one().sql;
      const retry = store.insert({
        userId: "alice",
        displayName: "alice",
        text: "kept",
        clientMessageId: "k1",
        now: 2,
      });
      const next = store.insert({ userId: "alice", displayName: "alice", text: "next", clientMessageId: "x1", now: 3 });
      return {
        autoincrement: /AUTOINCREMENT/i.test(schema),
        kept: store.after(0, 10).map((m) => [m.id, m.text]),
        retry,
        next,
      };
    });
    expect(after.autoincrement).toBe(false);
    expect(after.kept).toEqual([
      [2, "kept"],
      [3, "newest"],
      [4, "next"],
    ]);
    expect(after.retry).toMatchObject({ duplicate: true, message: { id: 2 } });
    expect(after.next).toMatchObject({ duplicate: false, message: { id: 4 } });
  });
});
