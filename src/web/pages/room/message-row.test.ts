import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../features/rooms/rooms.schema";
import { chatMessage } from "./chat-message.fixture";
import { buildRows, pendingStates } from "./rows";

const me = { userId: "me", displayName: "Me" };
const message = (id: number, userId = "other"): ChatMessage =>
  chatMessage(id, { userId, displayName: userId === "me" ? "Me" : "Other" });
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

describe("pendingStates", () => {
  it("shows each message on its way in the sender's order, with the client's word for where it stands", () => {
    const entry = (clientMessageId: string, status: "sending" | "waiting" | "failed" | "sent") => ({
      clientMessageId,
      text: clientMessageId,
      status,
    });
    const entries = [entry("a", "sent"), entry("b", "waiting"), entry("c", "sending"), entry("d", "failed")];
    expect(pendingStates(entries)).toEqual(["sent", "waiting", "sending", "failed"]);
    const rows = buildRows([], entries, me, null, new Map());
    expect(rows.map((r) => (r.kind === "pending" ? `${r.entry.clientMessageId}:${r.state}` : ""))).toEqual([
      "a:sent",
      "b:waiting",
      "c:sending",
      "d:failed",
    ]);
  });

  it("keeps a room's divider above the first unread message of someone else, pending messages after all", () => {
    const rows = buildRows([message(5), message(6)], [entry0()], me, 6, new Map());
    expect(rows.map((r) => r.key)).toEqual(["m5", "m6", "px"]);
    expect(rows.filter((r) => r.kind === "message" && r.unreadStart).map((r) => r.key)).toEqual(["m6"]);
  });
});

function entry0() {
  return { clientMessageId: "x", text: "x", status: "sending" as const };
}
