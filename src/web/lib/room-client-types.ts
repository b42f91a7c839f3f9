// The room client's public shapes: what it needs from a socket, what it tells the page, and its options.
import type { ChatMessage, Member, RoomErrorCode, RoomEvent, RoomLinkPreview } from "../../features/rooms/rooms.schema";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

/** The part of WebSocket this client uses, so tests can drive it without a network. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/**
 * Where something this client sent stands. `sending`: on its way, or queued behind earlier ones (the outbox sends
 * one at a time, in order); `waiting`: the room refused it for now (too fast, or not stored) and it goes again
 * first, before anything later; `failed`: not answered in time (it goes again on every reconnect, and on Retry),
 * or refused for good (`error` says why: it is not sent again unless the user retries); `sent`: the room took it
 * (`id`: its log id), and its broadcast has not come back yet.
 */
export type OutboxStatus = "sending" | "waiting" | "failed" | "sent";

/** A message this client sent that the room has not shown yet. */
export interface OutboxEntry {
  clientMessageId: string;
  text: string;
  status: OutboxStatus;
  id?: number;
  /** A thread reply: the root's id. */
  threadRootId?: number;
  /** File ids shared with the message. */
  attachments?: string[];
  /** Refused for good (status `failed`): why. */
  error?: RoomErrorCode;
}

/** An edit, delete or reaction this client asked for that the room has not shown yet. */
export type PendingOp = (
  | { kind: "edit"; messageId: number; text: string }
  | { kind: "delete"; messageId: number }
  | { kind: "react"; messageId: number; emoji: string; add: boolean }
) & {
  opId: string;
  status: OutboxStatus;
  /** The event's log id once done (status `sent`), until the event itself arrives. */
  id?: number;
  /** Refused for good (status `failed`): why (`forbidden`, `not-found`, `too-many-reactions`, …). */
  error?: RoomErrorCode;
};

/**
 * Why the outbox holds later messages back: the room refused one (too fast, or not stored) and it goes again
 * first, or this client waits for the room's allowance to refill. null once nothing is left to send.
 */
export type OutboxHold = "rate-limited" | "not-stored" | null;

export interface RoomClientEvents {
  state?: (state: ConnectionState, detail: { attempt: number; retryInMs?: number }) => void;
  welcome?: (you: Member, roster: Member[]) => void;
  /** A message as it is now (once per id): live, from the welcome's history, or replayed by a resume. */
  message?: (message: ChatMessage) => void;
  /** An edit, delete or reaction change (once per id), in log order; apply it to the message if it is shown. */
  event?: (event: RoomEvent) => void;
  /** Everything missed while away has been delivered (after each welcome, and after a resume's replay). */
  synced?: () => void;
  presence?: (roster: Member[]) => void;
  typing?: (member: Member) => void;
  /** A link preview for a message (null: the link has none, or the network did not allow one). */
  preview?: (messageId: number, url: string, preview: RoomLinkPreview | null) => void;
  /** The messages on their way changed: in the sender's order, and why later ones are held back. */
  outbox?: (entries: OutboxEntry[], hold: OutboxHold) => void;
  /** The edits, deletes and reactions on their way changed (in the order asked). */
  ops?: (ops: PendingOp[]) => void;
  /**
   * The room refused a frame for good: a message or op (it stays in the outbox as `failed` with the code) or
   * a frame without one. `code` and `opId` are given when the room said them.
   */
  refused?: (clientMessageId: string | undefined, reason: string, code?: RoomErrorCode, opId?: string) => void;
  /** Too much was missed while away: what was shown is no longer contiguous; the newest messages follow. */
  gap?: () => void;
  /** A private room's member list changed. */
  membership?: (event: "added" | "removed", userId: string) => void;
  /** The server closed with 4403: this user was removed from the (private) room. The client stops for good. */
  removed?: () => void;
  /**
   * The server closed with 4401: the session this socket was opened with ended (signed out, revoked, password
   * changed, account disabled). The client stops, keeping its outbox; `resume()` carries on if the browser
   * still has a session (a password changed here gives it a new one), otherwise the user signs in again.
   */
  sessionEnded?: () => void;
}

export interface Timers {
  set: (fn: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}

export interface RoomClientOptions {
  /** A function, so each attempt can fetch a fresh ticket or URL. */
  url: () => string | Promise<string>;
  on: RoomClientEvents;
  connect?: (url: string) => SocketLike;
  random?: () => number;
  now?: () => number;
  timers?: Timers;
  baseDelayMs?: number;
  maxDelayMs?: number;
  heartbeatMs?: number;
  /** A message or op not answered this long after it was sent (or while offline) is reported `failed`. */
  ackTimeoutMs?: number;
  /** While the user types, a typing frame goes out at most this often (the room drops them closer than 2 s). */
  typingEveryMs?: number;
  /** Whether the device has a network; while it has none, no attempt is made (`reconnectNow` resumes). */
  isOnline?: () => boolean;
  /**
   * This user's allowance in the room: a burst of `limit`, refilled evenly over `periodMs` (MESSAGE_POLICY in
   * rooms.schema.ts). The outbox waits for it rather than be refused. null: send without counting.
   */
  allowance?: { limit: number; periodMs: number } | null;
  /** Where the first frame skipped as not in the protocol is reported (once per client): console.warn. */
  warn?: (message: string) => void;
}
