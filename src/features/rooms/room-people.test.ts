// RoomPeople in a Durable Object's real SQLite: who may be mentioned, writes only when something changed, and
// mention resolution (longest name first, boundaries, @room, code, the sender, unknown names).
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RoomPeople, withoutCode } from "./room-people";

let seq = 0;
/** Runs `fn` on a fresh people table (in an Inbox object's SQLite: any SQLite-backed object will do). */
function withPeople<T>(fn: (people: RoomPeople, sql: SqlStorage) => T): Promise<T> {
  seq++;
  const stub = env.INBOX.get(env.INBOX.idFromName(`people-host-${seq}`));
  return runInDurableObject(stub, (_object, state) => fn(new RoomPeople(state.storage.sql), state.storage.sql));
}

const m = (userId: string, displayName: string) => ({ userId, displayName });
const ids = (members: { userId: string }[]) => members.map((x) => x.userId).sort();

function seed(people: RoomPeople): void {
  people.seen(m("u-ann", "Ann"));
  people.seen(m("u-mary", "Mary"));
  people.seen(m("u-maryann", "Mary Ann"));
  people.seen(m("u-bob", "bob"));
  people.seen(m("u-zoe", "Zoë Ölund"));
}

describe("RoomPeople", () => {
  it("writes only when someone is new or renamed", async () => {
    const written = await withPeople((_people, sql) => {
      // Counts the statements that write, as the room's SQLite would run them.
      let writes = 0;
      const counting = new Proxy(sql, {
        get(target, key) {
          if (key !== "exec") return Reflect.get(target, key);
          return (query: string, ...bindings: unknown[]) => {
            if (/^\s*(INSERT|UPDATE|DELETE)/i.test(query)) writes++;
            return target.exec(query, ...bindings);
          };
        },
      });
      const count = (fn: () => void) => {
        const before = writes;
        fn();
        return writes - before;
      };
      const people = new RoomPeople(counting);
      return {
        first: count(() => people.seen(m("u1", "Ann"))),
        again: count(() => people.seen(m("u1", "Ann"))),
        renamed: count(() => people.seen(m("u1", "Annie"))),
        fresh: new RoomPeople(counting).list("", 10),
        reloadedAgain: count(() => new RoomPeople(counting).seen(m("u1", "Annie"))),
        removeUnknown: count(() => people.remove("nobody")),
      };
    });
    expect(written).toEqual({
      first: 1,
      again: 0,
      renamed: 1,
      fresh: [m("u1", "Annie")],
      reloadedAgain: 0,
      removeUnknown: 0,
    });
  });

  it("adds and removes; lists by case-insensitive substring, prefix matches first", async () => {
    const result = await withPeople((people) => {
      seed(people);
      people.add(m("u-jo", "Jo Mary"));
      people.remove("u-bob");
      people.remove("nobody");
      return {
        mary: people.list("MAR", 10),
        limited: people.list("a", 2).length,
        all: people.list("", 100).length,
        bob: people.list("bob", 10),
        hasBob: people.has("u-bob"),
        everyone: ids(people.everyone("u-ann", 100)),
      };
    });
    expect(result.mary).toEqual([m("u-mary", "Mary"), m("u-maryann", "Mary Ann"), m("u-jo", "Jo Mary")]);
    expect(result.limited).toBe(2);
    expect(result.all).toBe(5);
    expect(result.bob).toEqual([]);
    expect(result.hasBob).toBe(false);
    expect(result.everyone).toEqual(["u-jo", "u-mary", "u-maryann", "u-zoe"]);
  });

  it("resolves @names case-insensitively, longest first, with spaces and Unicode", async () => {
    const r = await withPeople((people) => {
      seed(people);
      return {
        longest: people.resolve("hi @mary ann, see this", "u-bob"),
        short: people.resolve("hi @Mary, and @ANN.", "u-bob"),
        unicode: people.resolve("@zoë ölund!", "u-bob"),
        punctuation: people.resolve("(@bob) @bob's @bob: @bob?", "u-ann"),
      };
    });
    expect(ids(r.longest.mentions)).toEqual(["u-maryann"]);
    expect(ids(r.short.mentions)).toEqual(["u-ann", "u-mary"]);
    expect(ids(r.unicode.mentions)).toEqual(["u-zoe"]);
    expect(ids(r.punctuation.mentions)).toEqual(["u-bob"]);
    expect(r.longest.mentionsRoom).toBe(false);
  });

  it("needs boundaries on both sides: no email addresses, no partial names", async () => {
    const r = await withPeople((people) => {
      seed(people);
      return [
        people.resolve("mail ann@bob.com", "x"),
        people.resolve("@bobby and @annette", "x"),
        people.resolve("@bob_", "x"),
        people.resolve("@", "x"),
        people.resolve("trailing @", "x"),
      ];
    });
    for (const result of r) expect(result).toEqual({ mentions: [], mentionsRoom: false });
  });

  it("never mentions the sender; unknown names resolve to nothing", async () => {
    const r = await withPeople((people) => {
      seed(people);
      return {
        self: people.resolve("@bob and @ann", "u-bob"),
        unknown: people.resolve("@ghost @Mallory @carol", "u-bob"),
      };
    });
    expect(ids(r.self.mentions)).toEqual(["u-ann"]);
    expect(r.unknown).toEqual({ mentions: [], mentionsRoom: false });
  });

  it("@room sets mentionsRoom (and only as a word)", async () => {
    const r = await withPeople((people) => {
      seed(people);
      return [
        people.resolve("@room lunch!", "u-bob"),
        people.resolve("hey @Room.", "u-bob"),
        people.resolve("@roomy", "u-bob"),
        people.resolve("x@room", "u-bob"),
      ];
    });
    expect(r.map((x) => x.mentionsRoom)).toEqual([true, true, false, false]);
  });

  it("ignores mentions inside code spans and fenced code blocks", async () => {
    const r = await withPeople((people) => {
      seed(people);
      return {
        span: people.resolve("`@bob` and ``@ann ` x`` but @mary", "x"),
        fence: people.resolve("```js\n@bob\n@room\n```\nafter @ann", "x"),
        tilde: people.resolve("~~~\n@bob\n~~~", "x"),
        unclosedFence: people.resolve("```\n@bob", "x"),
        unmatchedTick: people.resolve("a ` tick @bob", "x"),
      };
    });
    expect(ids(r.span.mentions)).toEqual(["u-mary"]);
    expect(r.fence).toEqual({ mentions: [m("u-ann", "Ann")], mentionsRoom: false });
    expect(r.tilde.mentions).toEqual([]);
    expect(r.unclosedFence.mentions).toEqual([]);
    expect(ids(r.unmatchedTick.mentions)).toEqual(["u-bob"]);
  });

  it("mentions everyone who shares a display name", async () => {
    const r = await withPeople((people) => {
      people.seen(m("a1", "Sam"));
      people.seen(m("a2", "sam"));
      return people.resolve("@SAM", "x");
    });
    expect(ids(r.mentions)).toEqual(["a1", "a2"]);
  });

  it("withoutCode keeps line structure", () => {
    expect(withoutCode("a `b` c")).toBe("a     c");
    expect(withoutCode("```\nx\n```\ny").split("\n")).toHaveLength(4);
  });
});
