// The room's materialised view: messages and events applied in any replay order converge, and nothing counts twice.
import { describe, expect, it } from "vitest";
import { chatMessage } from "../../../test/chat-message";
import {
  type ChatMessage,
  REACTION_USERS_SHOWN,
  REPLIERS_SHOWN,
  type RoomEvent,
} from "../../features/rooms/rooms.schema";
import { RoomLog } from "./room-log";

const at = (n: number) => `2026-01-01T00:00:${String(n).padStart(2, "0")}.000Z`;

function msg(id: number, over: Partial<ChatMessage> = {}): ChatMessage {
  return chatMessage({ id, userId: "u1", displayName: "One", createdAt: at(id), ...over });
}

function got(log: RoomLog, id: number): ChatMessage {
  const m = log.messages.get(id);
  if (!m) throw new Error(`message ${id} missing`);
  return m;
}

const member = (n: number) => ({ userId: `u${n}`, displayName: `User ${n}` });
const reaction = (
  id: number,
  messageId: number,
  who: number,
  added: boolean,
  count: number,
  emoji = "👍",
): RoomEvent => ({
  kind: "reaction",
  id,
  messageId,
  emoji,
  member: member(who),
  added,
  count,
});

describe("RoomLog", () => {
  it("inserts and replaces messages by id, and keeps the timeline and threads apart, in id order", () => {
    const log = new RoomLog("u1");
    log.message(msg(3));
    log.message(msg(1));
    log.message(msg(2, { threadRootId: 1, userId: "u2", displayName: "Two" }));
    log.message(msg(3, { text: "replaced" }));
    expect(log.timeline().map((m) => [m.id, m.text])).toEqual([
      [1, "m1"],
      [3, "replaced"],
    ]);
    expect(log.thread(1).map((m) => m.id)).toEqual([2]);
    expect(log.lastId).toBe(3);
  });

  it("applies edits and deletes; a deleted message is a tombstone that later edits and reactions leave alone", () => {
    const log = new RoomLog(null);
    log.message(
      msg(1, {
        attachments: [{ fileId: "f".repeat(32), name: "a.png", contentType: "image/png", size: 1 }],
        mentions: [member(2)],
        mentionsRoom: true,
        reactions: [{ emoji: "👍", count: 1, users: [member(2)], mine: false }],
      }),
    );
    log.event({ kind: "edit", id: 2, messageId: 1, text: "fixed", editedAt: at(2) });
    expect(log.messages.get(1)).toMatchObject({ text: "fixed", editedAt: at(2) });
    log.event({ kind: "delete", id: 3, messageId: 1, deletedAt: at(3), by: "u1" });
    const tombstone = {
      text: "",
      attachments: [],
      reactions: [],
      mentions: [],
      mentionsRoom: false,
      deletedAt: at(3),
      editedAt: at(2),
    };
    expect(log.messages.get(1)).toMatchObject(tombstone);
    log.event({ kind: "edit", id: 4, messageId: 1, text: "back", editedAt: at(4) });
    log.event(reaction(5, 1, 3, true, 1));
    expect(log.messages.get(1)).toMatchObject(tombstone);
    expect(log.lastId).toBe(5);
  });

  it("ignores events for messages it does not have, but still tracks their ids", () => {
    const log = new RoomLog("u1");
    log.event({ kind: "edit", id: 9, messageId: 4, text: "x", editedAt: at(9) });
    expect(log.messages.size).toBe(0);
    expect(log.lastId).toBe(9);
  });

  it("sets each emoji's exact count and users oldest first, marks mine, and removes an emoji at 0", () => {
    const log = new RoomLog("u1");
    log.message(msg(1));
    log.event(reaction(2, 1, 2, true, 1));
    log.event(reaction(3, 1, 1, true, 2));
    log.event(reaction(4, 1, 3, true, 1, "🎉"));
    expect(log.messages.get(1)?.reactions).toEqual([
      { emoji: "👍", count: 2, users: [member(2), member(1)], mine: true },
      { emoji: "🎉", count: 1, users: [member(3)], mine: false },
    ]);
    log.event(reaction(5, 1, 1, false, 1));
    log.event(reaction(6, 1, 3, false, 0, "🎉"));
    expect(log.messages.get(1)?.reactions).toEqual([{ emoji: "👍", count: 1, users: [member(2)], mine: false }]);
  });

  it("caps who reacted at REACTION_USERS_SHOWN while the count stays exact", () => {
    const log = new RoomLog(null);
    log.message(msg(1));
    const total = REACTION_USERS_SHOWN + 5;
    for (let n = 1; n <= total; n++) log.event(reaction(1 + n, 1, n, true, n));
    const [thumbs] = log.messages.get(1)?.reactions ?? [];
    expect(thumbs?.count).toBe(total);
    expect(thumbs?.users.map((u) => u.userId)).toEqual(
      Array.from({ length: REACTION_USERS_SHOWN }, (_, i) => `u${i + 1}`),
    );
  });

  it("is idempotent: the same events applied twice give the same view", () => {
    const events: RoomEvent[] = [
      { kind: "edit", id: 2, messageId: 1, text: "fixed", editedAt: at(2) },
      reaction(3, 1, 2, true, 1),
      reaction(4, 1, 1, true, 2),
      reaction(5, 1, 2, false, 1),
    ];
    const once = new RoomLog("u1");
    const twice = new RoomLog("u1");
    for (const log of [once, twice]) log.message(msg(1));
    for (const e of events) once.event(e);
    for (const e of events) {
      twice.event(e);
      twice.event(e);
    }
    for (const e of events) twice.event(e);
    expect(twice.timeline()).toEqual(once.timeline());
    expect(once.messages.get(1)).toMatchObject({
      text: "fixed",
      reactions: [{ emoji: "👍", count: 1, users: [member(1)], mine: true }],
    });
  });

  it("bumps a root's thread summary once per new reply, newest replier first, capped", () => {
    const log = new RoomLog(null);
    log.message(msg(1));
    const replies = [2, 3, 4, 5, 2].map((who, i) =>
      msg(10 + i, { threadRootId: 1, userId: `u${who}`, displayName: `User ${who}` }),
    );
    for (const reply of replies) log.message(reply);
    for (const reply of replies) log.message(reply); // the same frames again change nothing
    expect(log.messages.get(1)).toMatchObject({
      replyCount: 5,
      lastReplyAt: at(14),
      lastReplyId: 14,
      repliers: [member(2), member(5), member(4)].slice(0, REPLIERS_SHOWN),
    });
    expect(log.thread(1).map((m) => m.id)).toEqual([10, 11, 12, 13, 14]);
    log.message(msg(20, { threadRootId: 99 })); // an unknown root: nothing
    expect(log.messages.get(1)?.replyCount).toBe(5);
  });

  it("converges on a resume that re-sends a root as it is now with its replies and events after it", () => {
    // What the server did: root 1, reply 2, edit 3 of the root, reply 4, reaction 5 on reply 2, reply 6.
    const live = new RoomLog("u2");
    const root = msg(1);
    const r2 = msg(2, { threadRootId: 1, userId: "u2", displayName: "User 2" });
    const r4 = msg(4, { threadRootId: 1, userId: "u3", displayName: "User 3" });
    const r6 = msg(6, { threadRootId: 1, userId: "u2", displayName: "User 2" });
    const edit: RoomEvent = { kind: "edit", id: 3, messageId: 1, text: "root!", editedAt: at(3) };
    const react5 = reaction(5, 2, 2, true, 1);
    live.message(root);
    live.message(r2);
    live.event(edit);
    live.message(r4);
    live.event(react5);
    live.message(r6);
    // A client that saw only the root and reply 2 (lastId 2) resumes: the server sends every message with a larger
    // id as it is now, and every later event, in id order. A client from 0 also gets the root as it is now.
    const nowRoot = got(live, 1);
    const nowR2 = got(live, 2);
    const fromTwo = new RoomLog("u2");
    fromTwo.message(root);
    fromTwo.message(r2);
    fromTwo.event(edit);
    fromTwo.message(r4);
    fromTwo.event(react5);
    fromTwo.message(r6);
    const fromZero = new RoomLog("u2");
    fromZero.message(nowRoot);
    fromZero.message(nowR2);
    fromZero.event(edit);
    fromZero.message(r4);
    fromZero.event(react5);
    fromZero.message(r6);
    // And a second resume re-sending everything once more.
    fromZero.message(nowRoot);
    fromZero.message(nowR2);
    fromZero.event(edit);
    fromZero.message(r4);
    fromZero.event(react5);
    fromZero.message(r6);
    for (const log of [fromTwo, fromZero]) {
      expect([...log.messages.entries()].sort(([a], [b]) => a - b)).toEqual(
        [...live.messages.entries()].sort(([a], [b]) => a - b),
      );
      expect(log.lastId).toBe(6);
    }
    expect(nowRoot).toMatchObject({ text: "root!", replyCount: 3, lastReplyId: 6, repliers: [member(2), member(3)] });
    expect(nowR2.reactions).toEqual([{ emoji: "👍", count: 1, users: [member(2)], mine: true }]);
  });

  it("converges when a resume replays reactions over a copy that already includes them", () => {
    // a adds (2), b adds (3), a removes (4), a adds again (5): now b then a.
    const events = [
      reaction(2, 1, 1, true, 1),
      reaction(3, 1, 2, true, 2),
      reaction(4, 1, 1, false, 1),
      reaction(5, 1, 1, true, 2),
    ];
    const live = new RoomLog("u1");
    live.message(msg(1));
    for (const e of events) live.event(e);
    const resumed = new RoomLog("u1");
    resumed.message(got(live, 1));
    for (const e of events) resumed.event(e);
    expect(resumed.messages.get(1)).toEqual(live.messages.get(1));
    expect(live.messages.get(1)?.reactions).toEqual([
      { emoji: "👍", count: 2, users: [member(2), member(1)], mine: true },
    ]);
  });
});
