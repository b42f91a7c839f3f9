// When a room's broadcasts go out: at once in a quiet room, batched only while the previous broadcast is still
// going out, capped by an optional send budget, and never leaving a timer behind in an idle room.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chatMessage } from "../../../test/chat-message";
import { BroadcastQueue } from "./broadcast-queue";
import type { ChatMessage, RoomEvent, ServerFrame } from "./rooms.schema";

const message = (id: number): ChatMessage => chatMessage({ id });

/** The queue with a recording target of `sockets` sockets. */
function queueOf(sendBudget = 0, sockets = 2) {
  const sent: { at: number; ids: number[]; except?: WebSocket }[] = [];
  const queue = new BroadcastQueue(
    {
      sockets: () => sockets,
      broadcast: (frame: ServerFrame, except?: WebSocket) => {
        const ids =
          frame.type === "message"
            ? [frame.message.id]
            : frame.type === "messages"
              ? frame.messages.map((m) => m.id)
              : frame.type === "event"
                ? [-frame.event.id]
                : [];
        sent.push({ at: Date.now(), ids, except });
      },
    },
    sendBudget,
  );
  return { queue, sent };
}

/** The runtime works through what was queued: the zero-delay drain check fires. */
const drained = () => vi.advanceTimersToNextTimer();

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => vi.useRealTimers());

describe("BroadcastQueue", () => {
  it("sends a message in a quiet room at once, and leaves no timer once its sends have gone out", () => {
    const { queue, sent } = queueOf();
    queue.queue(message(1));
    expect(sent).toEqual([{ at: 1_000_000, ids: [1], except: undefined }]);
    // Only the zero-delay check for the drain is pending, and it ends the busy spell.
    expect(vi.getTimerCount()).toBe(1);
    drained();
    expect(queue.busy).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    queue.queue(message(2));
    expect(sent.map((s) => s.ids)).toEqual([[1], [2]]);
    expect(sent[1]?.at).toBeLessThanOrEqual(1_000_001);
  });

  it("batches what is stored while the previous broadcast is going out, in order, in one frame", () => {
    const { queue, sent } = queueOf();
    queue.queue(message(1));
    queue.queue(message(2));
    queue.queue(message(3));
    expect(sent.map((s) => s.ids)).toEqual([[1]]);
    drained();
    expect(sent.map((s) => s.ids)).toEqual([[1], [2, 3]]);
    // Nothing waited longer than the drain check (a zero-delay timer): no slot, no spacing.
    expect(sent[1]?.at).toBeLessThanOrEqual(1_000_001);
    drained();
    expect(queue.busy).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("with a send budget, spaces broadcasts N / budget seconds apart and batches in between", () => {
    const { queue, sent } = queueOf(2, 2);
    queue.queue(message(1));
    drained();
    queue.queue(message(2));
    queue.queue(message(3));
    expect(sent.map((s) => s.ids)).toEqual([[1]]);
    // The slot is 2 sockets / 2 frames a second = 1 s after the first broadcast.
    vi.advanceTimersByTime(1_000_000 + 999 - Date.now());
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent.map((s) => [s.at - 1_000_000, s.ids])).toEqual([
      [0, [1]],
      [1_000, [2, 3]],
    ]);
    drained();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("flush sends what waits at once, skipping the socket that replays it itself", () => {
    const { queue, sent } = queueOf();
    const resuming = {} as WebSocket;
    queue.queue(message(1));
    queue.queue(message(2));
    queue.flush(resuming);
    expect(sent.map((s) => [s.ids, s.except === resuming])).toEqual([
      [[1], false],
      [[2], true],
    ]);
    queue.flush();
    expect(sent).toHaveLength(2);
    drained();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps events in log order with messages: runs of messages in one frame, each event in its own", () => {
    const { queue, sent } = queueOf();
    const edit = (id: number): RoomEvent => ({ kind: "edit", id, messageId: 1, text: "e", editedAt: "" });
    queue.queue(message(1));
    queue.queue(message(2));
    queue.queueEvent(edit(3));
    queue.queueEvent(edit(4));
    queue.queue(message(5));
    queue.queue(message(6));
    queue.queueEvent(edit(7));
    drained();
    // Events show as negative ids here.
    expect(sent.map((s) => s.ids)).toEqual([[1], [2], [-3], [-4], [5, 6], [-7]]);
    drained();
    expect(vi.getTimerCount()).toBe(0);
  });
});
