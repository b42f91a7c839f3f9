// The room client's outbox: messages, edits, deletes and reactions, sent in the order written, one at a time. The
// room refuses what goes over a user's allowance (a token bucket), and a later frame already on its way when an earlier
// one is refused may be taken once the bucket refills, ahead of it. So nothing follows a frame until the room answers
// it; a refusal sends the same one again after the room's wait. Pacing by MESSAGE_POLICY spares most refusals.
import type { ChatMessage, RoomErrorCode } from "../../features/rooms/rooms.schema";
import { type Allowance, createAllowance } from "./room-allowance";
import type { OutboxEntry, OutboxHold, PendingOp, Timers } from "./room-client-types";
import { entryOf, frameOf, type Item, type Work } from "./room-outbox-items";

export interface OutboxDeps {
  /** Sends a frame on the current socket if it is open; answers whether it went. */
  transmit: (frame: object) => boolean;
  timers: Timers;
  now: () => number;
  allowance: { limit: number; periodMs: number } | null;
  ackTimeoutMs: number;
  /** Whether the log id was already delivered (a message or an event). */
  seen: (id: number) => boolean;
  outbox: (entries: OutboxEntry[], hold: OutboxHold) => void;
  ops: (ops: PendingOp[]) => void;
  refused: (clientMessageId: string | undefined, reason: string, code: RoomErrorCode, opId?: string) => void;
}

/** How long a refused frame waits when the room does not say (not-stored). */
const DEFAULT_RETRY_MS = 1_000;

export function createOutbox(deps: OutboxDeps) {
  const { timers } = deps;
  /** In the sender's order (a Map keeps insertion order). */
  const items = new Map<string, Item>();
  const allowance: Allowance = createAllowance(deps.allowance, deps.now);
  /** The frame sent on the current socket that the room has not answered yet: nothing follows it until then. */
  let onWire: string | null = null;
  /** Waiting before the next frame goes: the wait a refusal asked for, or the allowance refilling. */
  let waitTimer: unknown = null;
  /** Runs while a frame goes unanswered (or while offline with something to send): then it all shows `failed`. */
  let stallTimer: unknown = null;
  let hold: OutboxHold = null;
  let open = false;
  /** The client closed: no timer is set any more. */
  let stopped = false;
  let lastEmitted = { entries: "", ops: "" };

  /** What is still to be sent, in order: not taken yet, and not refused for good. */
  const queued = () => [...items.values()].filter((item) => item.status !== "sent" && item.error === undefined);

  const emit = () => {
    // Nothing left to send: nothing is held back any more, so "too fast" is over.
    if (queued().length === 0) hold = null;
    const all = [...items.values()].map(entryOf);
    const entries = all.filter((e): e is OutboxEntry => "clientMessageId" in e);
    const ops = all.filter((e): e is PendingOp => "opId" in e);
    // Told only on a change, each on its own (the page re-renders on each).
    const shownEntries = JSON.stringify([entries, hold]);
    if (shownEntries !== lastEmitted.entries) deps.outbox(entries, hold);
    const shownOps = JSON.stringify(ops);
    if (shownOps !== lastEmitted.ops) deps.ops(ops);
    lastEmitted = { entries: shownEntries, ops: shownOps };
  };

  const clearStall = () => {
    timers.clear(stallTimer);
    stallTimer = null;
  };

  const armStall = () => {
    clearStall();
    if (stopped) return;
    stallTimer = timers.set(() => {
      stallTimer = null;
      for (const item of queued()) item.status = "failed";
      emit();
    }, deps.ackTimeoutMs);
  };

  const cancelWait = () => {
    timers.clear(waitTimer);
    waitTimer = null;
  };

  const waitThen = (ms: number) => {
    cancelWait();
    if (stopped) return;
    waitTimer = timers.set(
      () => {
        waitTimer = null;
        pump();
      },
      Math.max(1, ms),
    );
  };

  /** Sends the oldest queued frame if nothing is on its way, the socket is open, and the room would take it. */
  const pump = () => {
    if (onWire !== null || waitTimer !== null || !open) return;
    const head = queued()[0];
    if (!head) {
      clearStall();
      return;
    }
    const wait = allowance.waitMs();
    if (wait > 0) {
      // Going now would only be refused: wait for the allowance, and say why later ones are held.
      hold ??= "rate-limited";
      waitThen(wait);
      return;
    }
    if (!deps.transmit(frameOf(head.work))) return;
    allowance.spend();
    onWire = head.work.key;
    // Going again: what an earlier stall showed as failed is on its way (in turn) once more.
    for (const item of queued()) if (item.status === "failed") item.status = "sending";
    armStall();
  };

  /** The frame `key` is answered (on this socket or an earlier one): the next may go. */
  const answered = (key: string) => {
    if (onWire !== key) return;
    onWire = null;
    clearStall();
  };

  const remove = (key: string) => {
    const item = items.get(key);
    if (!item) return;
    timers.clear(item.forgetTimer);
    items.delete(key);
    answered(key);
  };

  /** The room took `key` as log id `id` (0: an op that changed nothing). */
  const taken = (key: string, id: number) => {
    const item = items.get(key);
    answered(key);
    // The message that could not be saved is in: saying so is over (a wait for the allowance says it again).
    if (hold === "not-stored" && item?.status === "waiting") hold = null;
    if (item && item.status !== "sent") {
      if (id === 0 || deps.seen(id)) remove(key);
      else {
        item.status = "sent";
        item.id = id;
        delete item.error;
        timers.clear(item.forgetTimer);
        item.forgetTimer = timers.set(() => {
          item.forgetTimer = null;
          remove(key);
          emit();
        }, deps.ackTimeoutMs);
      }
    }
    pump();
    emit();
  };

  /** The room refused `key` for now: it goes again first, after the wait; nothing later goes before it. */
  const refusedForNow = (key: string, code: "rate-limited" | "not-stored", retryAfterMs?: number) => {
    const item = items.get(key);
    // An answer to an older copy (re-sent after a reconnect or a Retry): the copy on its way decides.
    if (!item || item.status === "sent" || onWire !== key) return;
    answered(key);
    item.status = "waiting";
    hold = code;
    const ms = retryAfterMs ?? DEFAULT_RETRY_MS;
    if (code === "rate-limited") allowance.refused(ms);
    waitThen(ms);
    emit();
  };

  /** The room refused `key` for good: it stays, failed with the reason, and the rest go on without it. */
  const refusedForGood = (key: string, code: RoomErrorCode) => {
    const item = items.get(key);
    if (!item || item.status === "sent") return;
    answered(key);
    item.status = "failed";
    item.error = code;
    pump();
    emit();
  };

  return {
    add(work: Work) {
      items.set(work.key, { work, status: "sending", forgetTimer: null });
      if (!open && stallTimer === null) armStall();
      pump();
      emit();
    },
    ack: taken,
    done: taken,
    /**
     * An error frame; answers whether it is settled here. One about a message or op that is no longer in the outbox
     * (taken, shown or discarded: a stale copy's answer) is dropped, and so is any "too fast" or "not stored": the
     * outbox deals with those itself, and they must never become a notice that outlives them.
     */
    error(frame: {
      code: RoomErrorCode;
      reason: string;
      retryAfterMs?: number;
      clientMessageId?: string;
      opId?: string;
    }): boolean {
      const key = frame.clientMessageId ?? frame.opId;
      const item = key === undefined ? undefined : items.get(key);
      const forNow = frame.code === "rate-limited" || frame.code === "not-stored";
      if (key === undefined) return forNow;
      if (!item) return true;
      if (forNow) {
        refusedForNow(key, frame.code as "rate-limited" | "not-stored", frame.retryAfterMs);
      } else if (item.work.kind === "delete" && frame.code === "not-found") {
        // Deleting what is already gone (a re-sent delete that was applied): done.
        remove(key);
        pump();
        emit();
      } else {
        refusedForGood(key, frame.code);
        deps.refused(frame.clientMessageId, frame.reason, frame.code, frame.opId);
      }
      return true;
    },
    /** A message from the room: this client's own one is no longer pending (also when its ack was lost). */
    delivered(message: ChatMessage, me: string | null) {
      if (!message.clientMessageId || message.userId !== me) return;
      const item = items.get(message.clientMessageId);
      if (item?.work.kind !== "message") return;
      remove(message.clientMessageId);
      pump();
      emit();
    },
    /** An event from the room: the op that it answers (done with this id) is no longer pending. */
    eventSeen(id: number) {
      for (const item of items.values()) {
        if (item.status === "sent" && item.id === id && item.work.kind !== "message") {
          remove(item.work.key);
          emit();
          return;
        }
      }
    },
    /** Welcomed on a new socket: what was on its way goes again first (the room takes each one once). */
    connected() {
      open = true;
      onWire = null;
      clearStall();
      for (const item of queued()) if (item.status === "failed") item.status = "sending";
      pump();
      emit();
    },
    disconnected() {
      open = false;
      onWire = null;
      cancelWait();
      if (queued().length > 0) armStall();
      else clearStall();
    },
    /** Everything unsent goes again, in order, including what was refused for good (the user pressed Retry). */
    retry() {
      for (const item of items.values()) {
        if (item.status === "sent") continue;
        item.status = item.status === "waiting" ? "waiting" : "sending";
        delete item.error;
      }
      onWire = null;
      cancelWait();
      if (!open) armStall();
      pump();
      emit();
    },
    /** Drops something not sent (the user pressed Discard). */
    discard(key: string) {
      remove(key);
      pump();
      emit();
    },
    /** Frames not yet taken by the room (including failed ones). */
    pending: () => [...items.values()].filter((item) => item.status !== "sent").length,
    /** Stops every timer (the client is closing); the items stay. */
    stop() {
      stopped = true;
      for (const item of items.values()) {
        timers.clear(item.forgetTimer);
        item.forgetTimer = null;
      }
      cancelWait();
      clearStall();
    },
    /** Forgets everything (removed from the room). */
    clear() {
      this.stop();
      items.clear();
      onWire = null;
      hold = null;
      emit();
    },
    /** After a gap: what was taken is in history (or past it); stop showing it as pending. */
    forgetSent() {
      for (const item of [...items.values()]) if (item.status === "sent") remove(item.work.key);
      emit();
    },
  };
}
