// Coalesced broadcasts: a stored message goes out at once in a quiet room, or with the others at the next
// slot the room's send budget allows. The only timer is a flush pending for at most one slot.
import type { ChatMessage, ServerFrame } from "./rooms.schema";

interface BroadcastTarget {
  /** How many sockets a broadcast reaches now (its cost in frames). */
  sockets(): number;
  broadcast(frame: ServerFrame, except?: WebSocket): void;
}

export class BroadcastQueue {
  /**
   * Frames a second the room may send for messages (0 = unlimited). With N sockets broadcasts are at least
   * N / budget seconds apart; messages stored in between wait for the next slot and go out together in one
   * `messages` frame, so a busy room degrades by a bounded delay instead of an unbounded send queue.
   */
  sendBudget: number;
  /** Stored but not yet broadcast (only while a flush is scheduled). In memory: a restart closes every socket. */
  #pending: ChatMessage[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastBroadcastAt = 0;
  readonly #target: BroadcastTarget;

  constructor(target: BroadcastTarget, sendBudget: number) {
    this.#target = target;
    this.sendBudget = sendBudget;
  }

  /** Broadcasts a stored message now, or with the others at the next slot the send budget allows. */
  queue(message: ChatMessage): void {
    this.#pending.push(message);
    if (this.#timer !== null) return;
    const spacingMs = this.sendBudget > 0 ? (this.#target.sockets() * 1_000) / this.sendBudget : 0;
    const waitMs = this.#lastBroadcastAt + spacingMs - Date.now();
    if (waitMs <= 0) this.flush();
    // A timer only while messages wait (at most spacingMs): an idle room has none and can hibernate.
    else this.#timer = setTimeout(() => this.flush(), waitMs);
  }

  /** Sends whatever waits now (to everyone but `except`, which gets it in its own replay). */
  flush(except?: WebSocket): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#lastBroadcastAt = Date.now();
    const [only] = batch;
    this.#target.broadcast(
      batch.length === 1 && only ? { type: "message", message: only } : { type: "messages", messages: batch },
      except,
    );
  }
}
