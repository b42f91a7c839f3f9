// Edits, deletes and reactions: sent in order with messages through the same outbox, answered by `done` or
// `error`; events delivered once each in log order; a reconnect resumes whenever the room has moved on.
import { describe, expect, it } from "vitest";
import type { RoomEvent } from "../../features/rooms/rooms.schema";
import { type FakeSocket, message, opened, reconnected } from "./room-client.testkit";

const opIds = (socket: FakeSocket) => socket.outgoing().map((f) => (f.opId ?? f.clientMessageId) as string);
const edit = (id: number, messageId: number, text: string): RoomEvent => ({
  kind: "edit",
  id,
  messageId,
  text,
  editedAt: "2026-01-01T00:00:01.000Z",
});

describe("edits, deletes and reactions", () => {
  it("go in order with messages, one at a time, each with its opId", async () => {
    const { socket, ...h } = await opened({ history: [message(1, "hi", { userId: "me" })], lastId: 1 });
    const sent = h.client.send("a reply", { threadRootId: 1 });
    const e = h.client.edit(1, "hello");
    const r = h.client.react(1, "👍", true);
    const d = h.client.remove(1);
    expect(socket.outgoing()).toEqual([{ type: "message", clientMessageId: sent, text: "a reply", threadRootId: 1 }]);
    expect(h.ops().map((op) => [op.kind, op.status])).toEqual([
      ["edit", "sending"],
      ["react", "sending"],
      ["delete", "sending"],
    ]);
    socket.push({ type: "ack", clientMessageId: sent, id: 2, duplicate: false });
    expect(socket.outgoing().at(-1)).toEqual({ type: "edit", messageId: 1, text: "hello", opId: e });
    socket.push({ type: "done", opId: e, id: 3 });
    expect(socket.outgoing().at(-1)).toEqual({ type: "react", messageId: 1, emoji: "👍", add: true, opId: r });
    // Done before its event came: shown as sent (with the event's id) until the event arrives.
    expect(h.ops()[0]).toEqual({ kind: "edit", opId: e, messageId: 1, text: "hello", status: "sent", id: 3 });
    socket.push({ type: "event", event: edit(3, 1, "hello") });
    expect(h.ops().map((op) => op.opId)).toEqual([r, d]);
    // A reaction that changed nothing: done with id 0, gone at once.
    socket.push({ type: "done", opId: r, id: 0 });
    expect(socket.outgoing().at(-1)).toEqual({ type: "delete", messageId: 1, opId: d });
    // Its event first, then done: gone once done comes.
    const deleted: RoomEvent = { kind: "delete", id: 4, messageId: 1, deletedAt: "2026-01-01T00:00:02.000Z", by: "me" };
    socket.push({ type: "event", event: deleted });
    socket.push({ type: "done", opId: d, id: 4 });
    expect(h.ops()).toEqual([]);
    expect(h.events).toEqual([edit(3, 1, "hello"), deleted]);
    expect(h.client.lastId).toBe(4);
  });

  it("a refusal for good shows the op failed with the code, and the rest go on; a refused-for-now one goes again first", async () => {
    const { socket, ...h } = await opened({ history: [message(1)], lastId: 1 });
    const e = h.client.edit(1, "not mine");
    const r = h.client.react(1, "🎉", true);
    const m = h.client.send("after");
    socket.push({ type: "error", code: "forbidden", reason: "Only the author edits", opId: e });
    expect(h.ops()[0]).toMatchObject({ opId: e, status: "failed", error: "forbidden" });
    expect(h.refused).toEqual([{ reason: "Only the author edits", code: "forbidden", opId: e }]);
    expect(opIds(socket)).toEqual([e, r]);
    socket.push({ type: "error", code: "rate-limited", reason: "too fast", retryAfterMs: 200, opId: r });
    expect(h.ops()[1]).toMatchObject({ opId: r, status: "waiting" });
    expect(h.outbox.hold).toBe("rate-limited");
    h.advance(200);
    expect(opIds(socket)).toEqual([e, r, r]);
    socket.push({ type: "done", opId: r, id: 2 });
    h.advance(200);
    expect(opIds(socket)).toEqual([e, r, r, m]);
    h.client.discard(e);
    expect(h.ops().map((op) => [op.opId, op.status])).toEqual([[r, "sent"]]);
  });

  it("a delete that finds the message already gone is done (a re-sent delete that was applied)", async () => {
    const { socket, ...h } = await opened({ history: [message(1)], lastId: 1 });
    const d = h.client.remove(1);
    socket.push({ type: "error", code: "not-found", reason: "gone", opId: d });
    expect(h.ops()).toEqual([]);
    expect(h.refused).toEqual([]);
  });

  it("are kept while disconnected and sent after the reconnect, after what was written before them", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
    first.drop();
    const m = h.client.send("offline message");
    const r = h.client.react(1, "👍", false);
    expect(h.ops()[0]).toMatchObject({ opId: r, status: "sending" });
    const second = await reconnected(h, [message(1)], 1);
    expect(opIds(second)).toEqual([m]);
    second.push({ type: "ack", clientMessageId: m, id: 2, duplicate: false });
    expect(second.outgoing().at(-1)).toEqual({ type: "react", messageId: 1, emoji: "👍", add: false, opId: r });
  });
});

describe("events and resume", () => {
  it("delivers each event once, and tracks the last id over messages and events", async () => {
    const { socket, ...h } = await opened({ history: [message(1)], lastId: 1 });
    socket.push({ type: "event", event: edit(2, 1, "x") });
    socket.push({ type: "event", event: edit(2, 1, "x") });
    socket.push({ type: "message", message: message(3) });
    socket.push({ type: "event", event: edit(4, 3, "y") });
    expect(h.events.map((e) => e.id)).toEqual([2, 4]);
    expect(h.client.lastId).toBe(4);
  });

  it("resumes whenever the room moved on, even when the history looks contiguous (events are not in it)", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1), message(2)], lastId: 2, random: () => 1 });
    first.drop();
    // While away: an edit (3) of message 2 and message 4. The history has 1, 2 (as they are now) and 4.
    const edited = { ...message(2), text: "edited" };
    const second = await reconnected(h, [message(1), edited, message(4)], 4);
    expect(second.sent).toEqual([{ type: "resume", lastId: 2 }]);
    expect(h.synced()).toBe(1);
    second.push({ type: "event", event: edit(3, 2, "edited") });
    second.push({ type: "message", message: message(4) });
    second.push({ type: "resumed", lastId: 4, count: 2 });
    expect(h.events.map((e) => e.id)).toEqual([3]);
    expect(h.messages.map((m) => m.id)).toEqual([1, 2, 4]);
    expect(h.synced()).toBe(2);
    expect(h.client.lastId).toBe(4);
  });

  it("does not resume when nothing happened while away", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
    first.drop();
    const second = await reconnected(h, [message(1)], 1);
    expect(second.sent).toEqual([]);
    expect(h.synced()).toBe(2);
  });
});
