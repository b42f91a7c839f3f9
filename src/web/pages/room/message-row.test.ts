import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../features/rooms/rooms.schema";
import { buildRows } from "./message-row";

const me = { userId: "me", displayName: "Me" };
const message = (id: number, userId = "other"): ChatMessage => ({
  id,
  userId,
  displayName: userId === "me" ? "Me" : "Other",
  text: `m${id}`,
  clientMessageId: null,
  createdAt: "2026-01-01T00:00:00.000Z",
});
/** The id each "New messages" line stands above. */
const dividers = (messages: ChatMessage[], firstUnreadId: number | null) =>
  buildRows(messages, [], me, firstUnreadId, new Map()).flatMap((r) =>
    r.kind === "message" && r.unreadStart ? [r.message.id] : [],
  );

describe("buildRows: the New messages line", () => {
  it("stands above the first unread message", () => {
    expect(dividers([message(1), message(2), message(3)], 2)).toEqual([2]);
    expect(dividers([message(2), message(3)], 2)).toEqual([2]);
  });

  it("is not shown when nothing is unread, or when what is loaded starts after the first unread", () => {
    expect(dividers([message(1), message(2)], null)).toEqual([]);
    expect(dividers([message(3), message(4)], 2)).toEqual([]);
  });

  it("skips my own messages (written on another device): it stands above the first of someone else", () => {
    expect(dividers([message(1), message(2, "me"), message(3, "me"), message(4)], 2)).toEqual([4]);
    expect(dividers([message(2, "me"), message(3)], 2)).toEqual([3]);
    expect(dividers([message(1), message(2, "me")], 2)).toEqual([]);
  });
});
