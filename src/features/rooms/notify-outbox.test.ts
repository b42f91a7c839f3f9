// The room's notification outbox against real Inbox objects: delivery, a failing inbox left for the alarm and
// delivered later, idempotency, and who a message notifies (noticesFor).
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { chatMessage } from "../../../test/chat-message";
import type { InboxNotice } from "../inbox/inbox.schema";
import { excerptOf, NotifyOutbox, noticesFor, ROOM_MENTION_MAX } from "./notify-outbox";
import { RoomPeople } from "./room-people";
import type { ChatMessage, Member } from "./rooms.schema";

let seq = 0;
const uid = (label: string) => `${label}-${seq}-${crypto.randomUUID().slice(0, 8)}`;

interface Harness {
  outbox: NotifyOutbox;
  sql: SqlStorage;
  /** The alarm the outbox asked for (the host's real alarm is left alone). */
  alarm: () => number | null;
}

/**
 * Runs `fn` with an outbox on a fresh object's SQLite. `inbox` replaces env.INBOX (a test-only wrapper, to make
 * deliveries fail); the alarm is recorded, not set, so no handler runs on the host object.
 */
function withOutbox<T>(fn: (h: Harness) => Promise<T>, inbox: Env["INBOX"] = env.INBOX): Promise<T> {
  seq++;
  const stub = env.INBOX.get(env.INBOX.idFromName(`outbox-host-${seq}`));
  return runInDurableObject(stub, async (_object, state) => {
    let alarm: number | null = null;
    const storage = {
      sql: state.storage.sql,
      getAlarm: async () => alarm,
      setAlarm: async (at: number) => {
        alarm = at;
      },
    };
    const ctx = { storage } as unknown as DurableObjectState;
    const outbox = new NotifyOutbox(ctx, { ...env, INBOX: inbox });
    return fn({ outbox, sql: state.storage.sql, alarm: () => alarm });
  });
}

/** env.INBOX, except that `add` throws for the users in `failing`. */
function failingInbox(failing: Set<string>): Env["INBOX"] {
  return {
    idFromName: (name: string) => ({ name }),
    get: (id: { name: string }) => ({
      add: async (notices: InboxNotice[]) => {
        if (failing.has(id.name)) throw new Error("inbox unavailable");
        return env.INBOX.get(env.INBOX.idFromName(id.name)).add(notices);
      },
    }),
  } as unknown as Env["INBOX"];
}

const notice = (to: string, messageId: number, kind: InboxNotice["kind"] = "mention"): InboxNotice => ({
  to,
  kind,
  room: "general",
  messageId,
  threadRootId: null,
  from: { userId: "sender", displayName: "Sender" },
  excerpt: `message ${messageId}`,
  createdAt: new Date(1_000 * messageId).toISOString(),
});

const inboxOf = (userId: string) => env.INBOX.get(env.INBOX.idFromName(userId)).page(undefined, 100);

describe("NotifyOutbox", () => {
  it("delivers queued notices to each recipient's inbox and deletes them", async () => {
    const [ann, bob] = [uid("ann"), uid("bob")];
    const result = await withOutbox(async ({ outbox, alarm }) => {
      const queuedAt = Date.now();
      outbox.queue([notice(ann, 1), notice(bob, 1), notice(ann, 2, "reply")]);
      await new Promise((resolve) => setTimeout(resolve, 0));
      const pending = outbox.pending();
      const alarmIn = (alarm() ?? 0) - queuedAt;
      await outbox.deliver();
      return { pending, alarmIn, after: outbox.pending() };
    });
    expect(result.pending).toBe(3);
    expect(result.alarmIn).toBeGreaterThan(1_000);
    expect(result.alarmIn).toBeLessThan(10_000);
    expect(result.after).toBe(0);
    const annPage = await inboxOf(ann);
    expect(annPage.entries.map((e) => [e.messageId, e.kind, e.read])).toEqual([
      [2, "reply", false],
      [1, "mention", false],
    ]);
    expect(annPage.unread).toBe(2);
    expect((await inboxOf(bob)).entries).toHaveLength(1);
  });

  it("leaves a failed delivery for the alarm with a growing delay, and delivers it once the inbox is back", async () => {
    const [ok, down] = [uid("ok"), uid("down")];
    const failing = new Set([down]);
    const result = await withOutbox(async ({ outbox, sql, alarm }) => {
      outbox.queue([notice(ok, 7), notice(down, 7), notice(down, 8)]);
      const before = Date.now();
      await outbox.deliver();
      const first = sql
        .exec<{ attempts: number; next_at: number }>("SELECT attempts, next_at FROM notify_outbox")
        .toArray();
      // Due again (as if the alarm's time had come), still failing: the delay doubles.
      sql.exec("UPDATE notify_outbox SET next_at = 0");
      await outbox.deliver();
      const second = sql
        .exec<{ attempts: number; next_at: number }>("SELECT attempts, next_at FROM notify_outbox")
        .toArray();
      // Not due: nothing is attempted.
      failing.delete(down);
      await outbox.deliver();
      const notDue = outbox.pending();
      sql.exec("UPDATE notify_outbox SET next_at = 0");
      await outbox.deliver();
      return { before, first, second, alarmAfterFailure: alarm(), notDue, finally: outbox.pending() };
    }, failingInbox(failing));
    expect(result.first.map((r) => r.attempts)).toEqual([1, 1]);
    for (const r of result.first) expect(r.next_at - result.before).toBeGreaterThanOrEqual(2_900);
    expect(result.second.map((r) => r.attempts)).toEqual([2, 2]);
    for (const r of result.second) expect(r.next_at - result.before).toBeGreaterThanOrEqual(5_900);
    expect(result.alarmAfterFailure).not.toBeNull();
    expect(result.notDue).toBe(2);
    expect(result.finally).toBe(0);
    expect((await inboxOf(ok)).entries.map((e) => e.messageId)).toEqual([7]);
    expect((await inboxOf(down)).entries.map((e) => e.messageId)).toEqual([8, 7]);
  });

  it("is idempotent: a notice delivered twice is one entry", async () => {
    const ann = uid("ann");
    await withOutbox(async ({ outbox }) => {
      outbox.queue([notice(ann, 3)]);
      await outbox.deliver();
      outbox.queue([notice(ann, 3), notice(ann, 3)]);
      await outbox.deliver();
    });
    const again = await env.INBOX.get(env.INBOX.idFromName(ann)).add([notice(ann, 3)]);
    expect(again).toEqual({ added: 0, unread: 1 });
    expect((await inboxOf(ann)).entries).toHaveLength(1);
  });

  it("runs one delivery at a time: calls during a run join it, and rows queued meanwhile go too", async () => {
    const ann = uid("ann");
    let calls = 0;
    const counting = {
      idFromName: (name: string) => ({ name }),
      get: (id: { name: string }) => ({
        add: async (notices: InboxNotice[]) => {
          calls++;
          return env.INBOX.get(env.INBOX.idFromName(id.name)).add(notices);
        },
      }),
    } as unknown as Env["INBOX"];
    const pending = await withOutbox(async ({ outbox }) => {
      outbox.queue([notice(ann, 1)]);
      const first = outbox.deliver();
      outbox.queue([notice(ann, 2)]);
      await Promise.all([first, outbox.deliver(), outbox.deliver()]);
      return outbox.pending();
    }, counting);
    expect(pending).toBe(0);
    expect(calls).toBe(2);
    expect((await inboxOf(ann)).entries.map((e) => e.messageId)).toEqual([2, 1]);
  });

  it("never throws, even when every inbox fails", async () => {
    const down = uid("down");
    const pending = await withOutbox(
      async ({ outbox }) => {
        outbox.queue([notice(down, 1)]);
        await expect(outbox.deliver()).resolves.toBeUndefined();
        return outbox.pending();
      },
      failingInbox(new Set([down])),
    );
    expect(pending).toBe(1);
  });
});

const member = (userId: string): Member => ({ userId, displayName: userId });

function message(overrides: Partial<ChatMessage>): ChatMessage {
  return chatMessage({ id: 10, userId: "sam", displayName: "Sam", text: "hello", ...overrides });
}

/** Runs `fn` with a people table holding `userIds`. */
function withPeople<T>(userIds: string[], fn: (people: RoomPeople) => T): Promise<T> {
  seq++;
  const stub = env.INBOX.get(env.INBOX.idFromName(`notices-host-${seq}`));
  return runInDurableObject(stub, (_object, state) => {
    const people = new RoomPeople(state.storage.sql);
    for (const id of userIds) people.seen(member(id));
    return fn(people);
  });
}

const kinds = (notices: InboxNotice[]) => Object.fromEntries(notices.map((n) => [n.to, n.kind]));

describe("noticesFor", () => {
  it("one notice per person: mention over reply over room-mention; never the sender", async () => {
    const notices = await withPeople(["sam", "ann", "bob", "cy", "dee"], (people) =>
      noticesFor({
        message: message({
          threadRootId: 4,
          mentions: [member("ann"), member("sam")],
          mentionsRoom: true,
        }),
        room: "general",
        people,
        threadParticipants: [member("ann"), member("bob"), member("sam")],
      }),
    );
    expect(kinds(notices)).toEqual({ ann: "mention", bob: "reply", cy: "room-mention", dee: "room-mention" });
    expect(notices.find((n) => n.to === "bob")).toMatchObject({
      room: "general",
      messageId: 10,
      threadRootId: 4,
      from: { userId: "sam", displayName: "Sam" },
      excerpt: "hello",
    });
  });

  it("notifies nobody who has left the room, and nobody for a plain or deleted message", async () => {
    const [removed, plain, deleted] = await withPeople(["sam", "ann"], (people) => [
      noticesFor({
        message: message({ threadRootId: 1, mentions: [member("gone")] }),
        room: "r",
        people,
        threadParticipants: [member("gone2"), member("ann")],
      }),
      noticesFor({ message: message({}), room: "r", people, threadParticipants: [] }),
      noticesFor({
        message: message({ text: "", deletedAt: new Date().toISOString(), mentions: [member("ann")] }),
        room: "r",
        people,
        threadParticipants: [],
      }),
    ]);
    expect(kinds(removed)).toEqual({ ann: "reply" });
    expect(plain).toEqual([]);
    expect(deleted).toEqual([]);
  });

  it(`caps an @room at ${ROOM_MENTION_MAX} people`, async () => {
    const many = Array.from({ length: ROOM_MENTION_MAX + 20 }, (_, i) => `p${i}`);
    const notices = await withPeople(["sam", ...many], (people) =>
      noticesFor({ message: message({ mentionsRoom: true }), room: "r", people, threadParticipants: [] }),
    );
    expect(notices).toHaveLength(ROOM_MENTION_MAX);
    expect(notices.some((n) => n.to === "sam")).toBe(false);
  });

  it("excerpts collapse whitespace and cut at 140 characters (code points)", () => {
    expect(excerptOf("  a\n\nb  ")).toBe("a b");
    const long = excerptOf("😀".repeat(200));
    expect([...long]).toHaveLength(140);
    expect(long.endsWith("…")).toBe(true);
  });
});
