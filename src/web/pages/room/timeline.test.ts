import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../features/rooms/rooms.schema";
import {
  FIRST_INDEX,
  hasOlder,
  initialTimeline,
  mergeMessages,
  shown,
  type Timeline,
  timelineReducer,
} from "./timeline";

const message = (id: number): ChatMessage => ({
  id,
  userId: "u",
  displayName: "U",
  text: `m${id}`,
  clientMessageId: null,
  createdAt: "2026-01-01T00:00:00.000Z",
});
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
