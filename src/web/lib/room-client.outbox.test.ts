// The room client's outbox, frame by frame: one message on its way at a time, in the sender's order; a refused
// one goes again before anything later; the hold (the "sending too fast" notice) ends once everything is taken.
import { describe, expect, it } from "vitest";
import { type FakeSocket, message, opened, reconnected } from "./room-client.testkit";

const ack = (socket: FakeSocket, text: string, id: number, duplicate = false) =>
  socket.push({ type: "ack", clientMessageId: socket.idOf(text), id, duplicate });
const refuse = (socket: FakeSocket, text: string, code: string, retryAfterMs?: number) =>
  socket.push({
    type: "error",
    code,
    reason: code === "rate-limited" ? "You are sending messages too fast" : "send it again",
    clientMessageId: socket.idOf(text),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

describe("the outbox keeps the sender's order", () => {
  it("sends one message at a time, each once the one before is taken", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    for (const text of ["1", "2", "3"]) h.client.send(text);
    expect(socket.texts()).toEqual(["1"]);
    expect(h.outbox.entries.map((e) => e.status)).toEqual(["sending", "sending", "sending"]);
    expect(h.outbox.hold).toBeNull();
    ack(socket, "1", 1);
    expect(socket.texts()).toEqual(["1", "2"]);
    ack(socket, "2", 2);
    ack(socket, "3", 3);
    expect(socket.texts()).toEqual(["1", "2", "3"]);
    expect(h.outbox.entries.map((e) => [e.text, e.status, e.id])).toEqual([
      ["1", "sent", 1],
      ["2", "sent", 2],
      ["3", "sent", 3],
    ]);
  });

  it("after a rate-limited refusal, shows it waiting, holds everything later, and sends it again first", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    for (const text of ["1", "2", "3", "4"]) h.client.send(text);
    ack(socket, "1", 1);
    refuse(socket, "2", "rate-limited", 200);
    expect(h.outbox.hold).toBe("rate-limited");
    expect(h.outbox.entries.map((e) => e.status)).toEqual(["sent", "waiting", "sending", "sending"]);
    // Written while held: queued behind the refused one, not sent ahead of it.
    h.client.send("5");
    expect(socket.texts()).toEqual(["1", "2"]);
    h.advance(199);
    expect(socket.texts()).toEqual(["1", "2"]);
    h.advance(1);
    expect(socket.texts()).toEqual(["1", "2", "2"]);
    expect(h.outbox.entries[1]?.status).toBe("waiting");
    ack(socket, "2", 2);
    expect(h.outbox.entries[1]).toMatchObject({ text: "2", status: "sent", id: 2 });
    // The room's allowance is spent (it refused): the rest follow as it refills, one every 200 ms, still held.
    for (const [text, id] of [
      ["3", 3],
      ["4", 4],
      ["5", 5],
    ] as const) {
      expect(h.outbox.hold).toBe("rate-limited");
      h.advance(200);
      expect(socket.texts().at(-1)).toBe(text);
      ack(socket, text, id);
    }
    expect(socket.texts()).toEqual(["1", "2", "2", "3", "4", "5"]);
    // Everything is taken: nothing is held back any more, so "too fast" is over.
    expect(h.outbox.hold).toBeNull();
    for (let id = 1; id <= 5; id++) {
      socket.push({
        type: "message",
        message: message(id, String(id), { userId: "me", clientMessageId: socket.idOf(String(id)) }),
      });
    }
    expect(h.outbox.entries).toEqual([]);
    // The next one goes as soon as the allowance has room for it again.
    h.advance(200);
    h.client.send("6");
    expect(socket.texts().at(-1)).toBe("6");
  });

  it("re-sends after not-stored, waiting a second when the room gives no time, and says so only until it is in", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    for (const text of ["a", "b"]) h.client.send(text);
    refuse(socket, "a", "not-stored");
    expect(h.outbox.hold).toBe("not-stored");
    h.clock.now += 1_000;
    expect(h.runTimersOf(1_000)).toBe(1);
    expect(socket.texts()).toEqual(["a", "a"]);
    ack(socket, "a", 1);
    expect(h.outbox.hold).toBeNull();
    expect(socket.texts()).toEqual(["a", "a", "b"]);
  });

  it("a reconnect sends the oldest unanswered message first, then the rest in turn", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
    for (const text of ["x", "y"]) h.client.send(text);
    refuse(first, "x", "rate-limited", 200);
    first.drop();
    // The wait of the first socket is gone with it.
    expect(h.timers.filter((t) => t.ms === 200)).toEqual([]);
    h.clock.now += 200;
    const second = await reconnected(h, [message(1)], 1);
    expect(second.texts()).toEqual(["x"]);
    ack(second, "x", 2);
    h.advance(200);
    expect(second.texts()).toEqual(["x", "y"]);
  });

  it("reports what is not answered in time as failed; Retry sends again in order, Discard drops it", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    h.client.send("first");
    h.client.send("second");
    h.runTimersOf(10_000);
    expect(h.outbox.entries.map((e) => e.status)).toEqual(["failed", "failed"]);
    h.client.retry();
    expect(h.outbox.entries.map((e) => e.status)).toEqual(["sending", "sending"]);
    expect(socket.texts()).toEqual(["first", "first"]);
    h.client.discard(socket.idOf("first"));
    expect(h.outbox.entries.map((e) => e.text)).toEqual(["second"]);
    expect(socket.texts()).toEqual(["first", "first", "second"]);
    expect(h.client.pending()).toBe(1);
  });

  it("keeps a message refused for good as failed with the reason, and goes on with the rest", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    h.client.send("with a file", { attachments: ["a".repeat(32)] });
    h.client.send("after it");
    expect(socket.sent.at(-1)).toEqual({
      type: "message",
      clientMessageId: socket.idOf("with a file"),
      text: "with a file",
      attachments: ["a".repeat(32)],
    });
    refuse(socket, "with a file", "attachment-not-found");
    expect(h.outbox.entries.map((e) => [e.status, e.error])).toEqual([
      ["failed", "attachment-not-found"],
      ["sending", undefined],
    ]);
    expect(h.refused).toEqual([
      { clientMessageId: socket.idOf("with a file"), reason: "send it again", code: "attachment-not-found" },
    ]);
    expect(socket.texts()).toEqual(["with a file", "after it"]);
    ack(socket, "after it", 1);
    expect(h.outbox.hold).toBeNull();
    h.client.retry();
    expect(socket.texts()).toEqual(["with a file", "after it", "with a file"]);
    expect(h.outbox.entries[0]).toEqual({
      clientMessageId: socket.idOf("with a file"),
      text: "with a file",
      status: "sending",
      attachments: ["a".repeat(32)],
    });
  });

  it("paces itself by the room's allowance: a burst beyond it waits for the refill instead of being refused", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    const texts = Array.from({ length: 40 }, (_, i) => `b${i + 1}`);
    for (const text of texts) h.client.send(text);
    for (let n = 1; n <= 30; n++) {
      expect(socket.texts().at(-1)).toBe(`b${n}`);
      ack(socket, `b${n}`, n);
    }
    // The burst is spent: b31 waits for the refill (5 a second: one every 200 ms), and says why.
    expect(socket.texts()).toHaveLength(30);
    expect(h.outbox.hold).toBe("rate-limited");
    for (let n = 31; n <= 40; n++) {
      h.clock.now += 200;
      expect(h.runTimersOf(200)).toBe(1);
      expect(socket.texts().at(-1)).toBe(`b${n}`);
      ack(socket, `b${n}`, n);
    }
    expect(socket.texts()).toEqual(texts);
    expect(h.client.pending()).toBe(0);
    expect(h.outbox.hold).toBeNull();
  });

  it("the allowance is the user's in the room, not the connection's: a reconnect does not refill it", async () => {
    const { socket: first, ...h } = await opened({ history: [], lastId: 0, random: () => 1 });
    for (let n = 1; n <= 30; n++) {
      h.client.send(`m${n}`);
      first.push({ type: "ack", clientMessageId: first.idOf(`m${n}`), id: n, duplicate: false });
    }
    first.drop();
    const second = await reconnected(h, [], 30);
    h.client.send("after the reconnect");
    expect(second.texts()).toEqual([]);
    expect(h.outbox.hold).toBe("rate-limited");
    h.clock.now += 200;
    h.runTimersOf(200);
    expect(second.texts()).toEqual(["after the reconnect"]);
  });

  it("takes its own message in the room's history as delivered when the ack was lost", async () => {
    const { socket: first, ...h } = await opened({ history: [message(1)], lastId: 1, random: () => 1 });
    const id = h.client.send("lost ack");
    first.drop();
    const mine = message(2, "lost ack", { userId: "me", clientMessageId: id });
    const second = await reconnected(h, [message(1), mine], 2);
    // The room moved on since id 1: what came after it is replayed, then the welcome's history follows.
    expect(second.sent[0]).toEqual({ type: "resume", lastId: 1 });
    second.push({ type: "message", message: mine });
    second.push({ type: "resumed", lastId: 2, count: 1 });
    expect(h.outbox.entries).toEqual([]);
    expect(h.client.pending()).toBe(0);
    expect(h.messages.map((m) => m.id)).toEqual([1, 2]);
  });
});

describe("the hold ends once the outbox has drained", () => {
  it("when the last message's broadcast comes before its ack", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    h.client.send("a");
    refuse(socket, "a", "rate-limited", 200);
    h.client.send("b");
    h.advance(200);
    ack(socket, "a", 1);
    h.advance(200);
    expect(h.outbox.hold).toBe("rate-limited");
    socket.push({ type: "message", message: message(2, "b", { userId: "me", clientMessageId: socket.idOf("b") }) });
    expect(h.outboxLog.at(-1)?.hold).toBeNull();
    expect(h.outbox.entries.map((e) => e.text)).toEqual(["a"]);
    ack(socket, "b", 2);
    expect(h.outboxLog.at(-1)?.hold).toBeNull();
  });

  it("when the last message is acknowledged as a duplicate (its first copy was stored)", async () => {
    const { socket: first, ...h } = await opened({ history: [], lastId: 0, random: () => 1 });
    h.client.send("a");
    refuse(first, "a", "rate-limited", 200);
    first.drop();
    const second = await reconnected(h, [], 0);
    h.advance(200);
    expect(second.texts()).toEqual(["a"]);
    expect(h.outbox.hold).toBe("rate-limited");
    // Its broadcast came first (the id is seen), then the duplicate's ack.
    second.push({ type: "message", message: message(1, "a", { userId: "someone else" }) });
    second.push({ type: "ack", clientMessageId: first.idOf("a"), id: 1, duplicate: true });
    expect(h.outbox.entries).toEqual([]);
    expect(h.outboxLog.at(-1)?.hold).toBeNull();
  });

  it("a late refusal of a copy of a message already taken neither holds nor becomes a notice", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    h.client.send("a");
    h.runTimersOf(10_000); // not answered in time: failed
    h.client.retry(); // a second copy goes
    ack(socket, "a", 1);
    socket.push({ type: "message", message: message(1, "a", { userId: "me", clientMessageId: socket.idOf("a") }) });
    refuse(socket, "a", "rate-limited", 200); // the answer to the other copy
    socket.push({ type: "error", code: "rate-limited", reason: "You are sending messages too fast" });
    expect(h.refused).toEqual([]);
    expect(h.outbox).toEqual({ entries: [], hold: null });
    expect(h.timers.filter((t) => t.ms === 200)).toEqual([]);
  });

  it("when the user discards what was held", async () => {
    const { socket, ...h } = await opened({ lastId: 0 });
    h.client.send("a");
    refuse(socket, "a", "rate-limited", 200);
    h.client.discard(socket.idOf("a"));
    expect(h.outbox).toEqual({ entries: [], hold: null });
  });
});
