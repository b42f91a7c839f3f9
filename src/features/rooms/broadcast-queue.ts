// Broadcasts that go out at once unless the room is behind. A stored message is sent immediately when the previous
// broadcast's sends have drained; messages stored while they are still going out wait and leave together in one
// `messages` frame as soon as they have. "Drained" is observed, not assumed: after each broadcast the queue asks
// the runtime for a zero-delay timer, which fires only once the event loop has worked through what was queued
// before it (the sends included). So a quiet room never waits for a slot, and a busy one batches exactly as much
// as it is behind. An optional send budget caps frames per second on top. The only timer is that zero-delay check
// (or a budget slot) while messages flow: an idle room holds none and can hibernate.
// Events (edits, deletes, reactions) share the queue, so everything leaves in log order: a batch goes out as
// runs of messages (one `message` or `messages` frame each) and `event` frames, in id order.
import type { LogEntry } from "./room-history";
import type { ChatMessage, RoomEvent, ServerFrame } from "./rooms.schema";

interface BroadcastTarget {
  /** How many sockets a broadcast reaches now (its cost in frames); read only when a send budget is set. */
  sockets(): number;
  broadcast(frame: ServerFrame, except?: WebSocket): void;
}

export class BroadcastQueue {
  /**
   * An optional cap in frames a second for messages (0 = none, the default). With N sockets, broadcasts are then
   * at least N / budget seconds apart, and what is stored in between goes out together at the next slot.
   */
  sendBudget: number;
  /** Stored but not yet broadcast. In memory: a restart closes every socket, and clients resume from storage. */
  #pending: LogEntry[] = [];
  /** The pending check: a zero-delay drain check after a broadcast, or the next slot of the send budget. */
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastBroadcastAt = 0;
  readonly #target: BroadcastTarget;

  constructor(target: BroadcastTarget, sendBudget: number) {
    this.#target = target;
    this.sendBudget = sendBudget;
  }

  /** Broadcasts a stored message now, or, while the previous broadcast is still going out, with it once it has. */
  queue(message: ChatMessage): void {
    this.#pending.push({ message });
    if (this.#timer === null) this.#sendOrWait();
  }

  /** An event, in the same order as the messages around it. */
  queueEvent(event: RoomEvent): void {
    this.#pending.push({ event });
    if (this.#timer === null) this.#sendOrWait();
  }

  /** Sends whatever waits now (to everyone but `except`, which gets it in its own replay). */
  flush(except?: WebSocket): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#send(except);
  }

  /** Whether a broadcast or its drain check is outstanding (for tests: an idle room must have none). */
  get busy(): boolean {
    return this.#timer !== null || this.#pending.length > 0;
  }

  #sendOrWait(): void {
    const waitMs = this.#slotWaitMs();
    if (waitMs > 0) {
      this.#timer = setTimeout(() => this.#onTimer(), waitMs);
      return;
    }
    this.#send();
  }

  #onTimer(): void {
    this.#timer = null;
    // Drained with nothing stored meanwhile: the room is idle again, and no timer is left.
    if (this.#pending.length > 0) this.#sendOrWait();
  }

  #send(except?: WebSocket): void {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#lastBroadcastAt = Date.now();
    let run: ChatMessage[] = [];
    const sendRun = () => {
      const [only] = run;
      if (run.length === 1 && only) this.#target.broadcast({ type: "message", message: only }, except);
      else if (run.length > 1) this.#target.broadcast({ type: "messages", messages: run }, except);
      run = [];
    };
    for (const entry of batch) {
      if ("message" in entry) {
        run.push(entry.message);
        continue;
      }
      sendRun();
      this.#target.broadcast({ type: "event", event: entry.event }, except);
    }
    sendRun();
    // Check back once the runtime has worked through these sends; what is stored until then waits for it.
    if (this.#timer === null) this.#timer = setTimeout(() => this.#onTimer(), 0);
  }

  #slotWaitMs(): number {
    if (this.sendBudget <= 0) return 0;
    const spacingMs = (this.#target.sockets() * 1_000) / this.sendBudget;
    return this.#lastBroadcastAt + spacingMs - Date.now();
  }
}
