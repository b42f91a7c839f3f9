import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../features/rooms/rooms.schema";
import { chatMessage } from "./chat-message.fixture";
import {
  FIRST_INDEX,
  hasOlder,
  initialTimeline,
  mergeMessages,
  shown,
  type Timeline,
  timelineReducer,
} from "./timeline";

const message = (id: number): ChatMessage => chatMessage(id, { userId: "u", displayName: "U" });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));
const ids = (timeline: Timeline) => shown(timeline).messages.map((m) => m.id);

function withLatest(from: number, to: number): Timeline {
  const live = timelineReducer(initialTimeline, { type: "live", messages: range(from, to) });
  return timelineReducer(live, { type: "synced" });
}

describe("mergeMessages", () => {
  it("appends newer messages, prepends older ones and counts them, and keeps each id once", () => {
    expect(mergeMessages(range(5, 6), range(7, 8))).toEqual({ messages: range(5, 8), prepended: 0 });
    expect(mergeMessages(range(5, 6), [...range(3, 5), message(9)])).toEqual({
      messages: [...range(3, 6), message(9)],
      prepended: 2,
    });
    expect(mergeMessages([], range(1, 2)).prepended).toBe(0);
  });
});

describe("timelineReducer", () => {
  it("prepends earlier pages below the first row's index, and knows when the room's start is reached", () => {
    let t = withLatest(51, 100);
    expect(t.base).toBe(FIRST_INDEX);
    expect(hasOlder(t)).toBe(true);
    t = timelineReducer(t, { type: "older", version: t.version, messages: range(1, 50), startReached: true });
    expect(ids(t)).toEqual(range(1, 100).map((m) => m.id));
    expect(t.base).toBe(FIRST_INDEX - 50);
    expect(hasOlder(t)).toBe(false);
    // Live messages go at the end and move nothing.
    t = timelineReducer(t, { type: "live", messages: [message(101)] });
    expect(t.base).toBe(FIRST_INDEX - 50);
    expect(ids(t).at(-1)).toBe(101);
  });

  it("shows a run far back on its own, loads newer pages into it, and joins the newest messages when they meet", () => {
    let t = withLatest(951, 1000);
    t = timelineReducer(t, {
      type: "detach",
      messages: range(451, 550),
      startReached: false,
      anchor: { kind: "message", id: 500, align: "center", highlight: true },
    });
    const version = t.version;
    expect(ids(t)[0]).toBe(451);
    expect(t.detached).not.toBeNull();
    // Live messages meanwhile join the newest run only.
    t = timelineReducer(t, { type: "live", messages: [message(1001)] });
    expect(ids(t).at(-1)).toBe(550);
    t = timelineReducer(t, { type: "newer", version, messages: range(551, 650) });
    expect(t.detached).not.toBeNull();
    // A page from an earlier view is ignored.
    expect(timelineReducer(t, { type: "newer", version: version - 1, messages: range(651, 750) })).toBe(t);
    for (let from = 651; from < 951; from += 100) {
      t = timelineReducer(t, { type: "newer", version, messages: range(from, from + 99) });
    }
    expect(t.detached).toBeNull();
    expect(t.version).toBe(version);
    expect(t.base).toBe(FIRST_INDEX);
    expect(ids(t)).toEqual(range(451, 1001).map((m) => m.id));
  });

  it("joins a run that already reaches the newest messages at once", () => {
    let t = withLatest(51, 100);
    t = timelineReducer(t, {
      type: "detach",
      messages: range(1, 60),
      startReached: true,
      anchor: { kind: "message", id: 10, align: "start", highlight: false },
    });
    expect(t.detached).toBeNull();
    expect(ids(t)).toEqual(range(1, 100).map((m) => m.id));
    expect(hasOlder(t)).toBe(false);
  });

  it("jumps back to the newest messages, and starts over after a gap", () => {
    let t = withLatest(951, 1000);
    t = timelineReducer(t, { type: "detach", messages: range(1, 50), startReached: true, anchor: { kind: "bottom" } });
    t = timelineReducer(t, { type: "latest" });
    expect(t.detached).toBeNull();
    expect(t.anchor).toEqual({ kind: "bottom" });
    expect(ids(t)[0]).toBe(951);
    const reset = timelineReducer(t, { type: "reset" });
    expect(reset.latest.messages).toEqual([]);
    expect(reset.ready).toBe(false);
    expect(reset.version).toBe(t.version + 1);
  });
});

describe("timelineReducer: messages changed in place", () => {
  it("replaces an edited, deleted or reacted message where it is shown, and inserts nothing", () => {
    let t = withLatest(1, 5);
    const edited = { ...message(3), text: "fixed", editedAt: "2026-01-01T00:01:00.000Z" };
    t = timelineReducer(t, { type: "update", messages: [edited, message(99)] });
    expect(ids(t)).toEqual([1, 2, 3, 4, 5]);
    expect(shown(t).messages[2]).toBe(edited);
    // Nothing it holds: the same timeline.
    expect(timelineReducer(t, { type: "update", messages: [message(99)] })).toBe(t);
  });

  it("joins a run further back to the newest messages once the server says nothing newer exists", () => {
    let t = withLatest(500, 510);
    t = timelineReducer(t, {
      type: "detach",
      messages: [message(100), message(140)],
      startReached: false,
      anchor: { kind: "message", id: 100, align: "center", highlight: true },
    });
    expect(t.detached).not.toBeNull();
    // Ids are shared with events and thread replies: a page whose last id does not touch the newest run still
    // ends the run when the server says so.
    t = timelineReducer(t, { type: "newer", version: t.version, messages: [message(300)], endReached: true });
    expect(t.detached).toBeNull();
    expect(ids(t)).toEqual([100, 140, 300, ...range(500, 510).map((m) => m.id)]);
  });
});
