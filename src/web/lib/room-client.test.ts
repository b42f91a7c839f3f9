// The room client's connection: delivery once each, reconnects with backoff, resume, heartbeat, close codes, typing.
import { describe, expect, it } from "vitest";
import { CLOSE_REMOVED_FROM_ROOM } from "../../features/rooms/rooms.schema";
import { type FakeSocket, flush, harness, message, opened, welcome } from "./room-client.testkit";

describe("createRoomClient", () => {
  it("opens, delivers history and live messages once each, and clears acknowledged sends", async () => {
    const { socket, ...h } = await opened({ history: [message(1), message(2)], lastId: 2 });
    expect(h.client.state).toBe("open");
    const id = h.client.send("hello");
    expect(socket.sent.at(-1)).toEqual({ type: "message", clientMessageId: id, text: "hello" });
    expect(h.client.pending()).toBe(1);
    socket.push({ type: "ack", clientMessageId: id, id: 3, duplicate: false });
    socket.push({ type: "message", message: message(3, "hello") });
    socket.push({ type: "message", message: message(3, "hello") });
    expect(h.client.pending()).toBe(0);
    expect(h.messages.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it("skips frames that are not JSON or not in the protocol, and keeps going", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    for (const bad of ["not json", { type: "message" }, { type: "message", message: { id: "7" } }, { type: "nope" }]) {
      socket.push(bad);
    }
    socket.push({ type: "message", message: message(1) });
    expect(h.messages.map((m) => m.id)).toEqual([1]);
    expect(h.client.state).toBe("open");
  });

  it("delivers a coalesced `messages` frame in order, once each, alongside single ones", async () => {
    const { socket, ...h } = await opened({ history: [message(1)], lastId: 1 });
    socket.push({ type: "messages", messages: [message(2), message(3), message(4)] });
    socket.push({ type: "message", message: message(4) });
    socket.push({ type: "message", message: message(5) });
    expect(h.messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it("reconnects after a drop with jittered backoff, resumes from the last id, and resends what was not acked", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
    const pendingId = h.client.send("unacked");
    first.drop();
    expect(h.client.state).toBe("reconnecting");
    expect(h.states.at(-1)?.retryInMs).toBe(500);
    h.runTimers();
    await flush();
    const second = h.sockets[1] as FakeSocket;
    second.open();
    second.push(welcome([message(1)], 4));
    expect(second.sent).toEqual([
      { type: "resume", lastId: 1 },
      { type: "message", clientMessageId: pendingId, text: "unacked" },
    ]);
    second.push({ type: "message", message: message(2) });
    second.push({ type: "message", message: message(3) });
    second.push({ type: "resumed", lastId: 3, count: 2 });
    expect(h.messages.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(h.client.state).toBe("open");
  });

  it("backs off exponentially up to the cap, with full jitter", async () => {
    const h = harness(() => 1);
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      (h.sockets.at(-1) as FakeSocket).drop();
      delays.push(h.states.at(-1)?.retryInMs ?? -1);
      h.runTimers();
      await flush();
    }
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    const low = harness(() => 0.25);
    await flush();
    (low.sockets[0] as FakeSocket).drop();
    expect(low.states.at(-1)?.retryInMs).toBe(125);
  });

  it("treats a missing pong as a dead connection", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    h.runTimers(); // sends a ping
    expect(socket.sent.at(-1)).toEqual({ type: "ping" });
    h.runTimers(); // no pong arrived
    expect(socket.closedWith).toBe(4000);
    expect(h.client.state).toBe("reconnecting");
  });

  it("drops at once when the browser goes offline, and reconnects without waiting when it is back", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
    h.client.drop();
    expect(first.closedWith).toBe(4001);
    expect(h.client.state).toBe("reconnecting");
    h.client.reconnectNow();
    await flush();
    expect(h.sockets).toHaveLength(2);
    expect(h.timers.some((t) => t.ms === 500)).toBe(false);
  });

  it("reports a gap when too much was missed, and closes for good on close()", async () => {
    const { socket, ...h } = await opened();
    socket.push({ type: "error", code: "resume-too-far", reason: "x" });
    expect(h.gaps()).toBe(1);
    h.client.close();
    expect(h.client.state).toBe("closed");
    expect(h.timers).toHaveLength(0);
  });

  it("stops for good when the server says this user was removed from the room (4403)", async () => {
    const { socket, ...h } = await opened({ history: [message(1)], lastId: 1 });
    h.client.send("sent as I was removed");
    socket.drop(CLOSE_REMOVED_FROM_ROOM);
    expect(h.removed()).toBe(1);
    expect(h.client.state).toBe("closed");
    expect(h.states.at(-1)).toEqual({ state: "closed", retryInMs: undefined });
    expect(h.states.some((s) => s.state === "reconnecting")).toBe(false);
    expect(h.client.pending()).toBe(0);
    // No retry is scheduled, and neither the heartbeat nor the browser's `online` event opens a new socket.
    expect(h.timers).toHaveLength(0);
    h.client.reconnectNow();
    h.runTimers();
    await flush();
    expect(h.sockets).toHaveLength(1);
    h.client.close();
    expect(h.removed()).toBe(1);
  });

  it("still reconnects after other application close codes", async () => {
    const { socket, ...h } = await opened();
    socket.drop(4400);
    expect(h.removed()).toBe(0);
    expect(h.client.state).toBe("reconnecting");
    h.runTimers();
    await flush();
    expect(h.sockets).toHaveLength(2);
  });

  it("resumes from the last message seen when the welcome's history starts after it, and delivers in order", async () => {
    const { socket: first, ...h } = await opened({
      history: [message(1), message(2), message(3)],
      lastId: 3,
      random: () => 1,
    });
    expect(h.synced()).toBe(1);
    first.drop();
    h.runTimersOf(500);
    await flush();
    const second = h.sockets[1] as FakeSocket;
    second.open();
    // 9 messages were written while away; the welcome shows only the newest three.
    second.push(welcome([message(10), message(11), message(12)], 12));
    expect(second.sent).toEqual([{ type: "resume", lastId: 3 }]);
    for (let id = 4; id <= 12; id++) second.push({ type: "message", message: message(id) });
    second.push({ type: "resumed", lastId: 12, count: 9 });
    expect(h.messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(h.synced()).toBe(2);
    expect(h.client.lastId).toBe(12);
  });

  it("holds live frames that arrive during a resume and applies them with the replay in log order", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1), message(2)], lastId: 2, random: () => 1 });
    first.drop();
    h.runTimersOf(500);
    await flush();
    const second = h.sockets[1] as FakeSocket;
    second.open();
    second.push(welcome([message(5)], 6));
    expect(second.sent).toEqual([{ type: "resume", lastId: 2 }]);
    // Live before the room reads the resume: message 7 and an edit of message 1 (ids 7, 8).
    second.push({ type: "message", message: message(7) });
    second.push({ type: "event", event: { kind: "edit", id: 8, messageId: 1, text: "new", editedAt: "x" } });
    expect(h.messages.map((m) => m.id)).toEqual([1, 2]);
    expect(h.events).toEqual([]);
    expect(h.client.lastId).toBe(2);
    // The replay: messages after 2 as they are now (7 included), then an older edit of message 2 (id 4).
    for (const id of [3, 5, 7]) second.push({ type: "message", message: message(id) });
    second.push({ type: "event", event: { kind: "edit", id: 4, messageId: 2, text: "two", editedAt: "x" } });
    second.push({ type: "resumed", lastId: 8, count: 4 });
    expect(h.messages.map((m) => m.id)).toEqual([1, 2, 3, 5, 7]);
    expect(h.events.map((e) => e.id)).toEqual([4, 8]);
    expect(h.client.lastId).toBe(8);
  });

  it("drops a replay cut short by a drop, and resumes again from where it really was", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
    first.drop();
    h.runTimersOf(500);
    await flush();
    const second = h.sockets[1] as FakeSocket;
    second.open();
    second.push(welcome([message(9)], 9));
    second.push({ type: "message", message: message(10) });
    second.push({ type: "message", message: message(2) });
    second.drop();
    expect(h.client.lastId).toBe(1);
    h.runTimers();
    await flush();
    const third = h.sockets[2] as FakeSocket;
    third.open();
    third.push(welcome([message(10)], 10));
    expect(third.sent).toEqual([{ type: "resume", lastId: 1 }]);
  });

  it("after a gap too large to resume, reports it and then delivers the newest messages", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
    first.drop();
    h.runTimersOf(500);
    await flush();
    const second = h.sockets[1] as FakeSocket;
    second.open();
    second.push(welcome([message(2000), message(2001)], 2001));
    second.push({ type: "error", code: "resume-too-far", reason: "x" });
    expect(h.gaps()).toBe(1);
    expect(h.messages.map((m) => m.id)).toEqual([1, 2000, 2001]);
  });

  it("announces typing at once, then at a steady beat while typing goes on, and at once again after a send", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    const typingFrames = () => socket.sent.filter((f) => f.type === "typing").length;
    // A keystroke every 100 ms for 6 s: frames at 0, 2.5 and 5 s, never closer than the room accepts (2 s).
    for (let t = 0; t <= 6_000; t += 100) {
      h.clock.now = 1_000_000 + t;
      h.client.typing();
    }
    expect(typingFrames()).toBe(3);
    h.client.send("done");
    h.clock.now += 100;
    h.client.typing();
    expect(typingFrames()).toBe(4);
  });
});
