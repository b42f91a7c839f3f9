// The room's sockets: what each carries through hibernation, the roster built from them, and sending frames.
import type { GcraState } from "@outpost/edge-kit/pacing";
import type { Member, ServerFrame } from "./rooms.schema";

/** What each socket carries through hibernation (serializeAttachment keeps ≤ 16 KiB). */
export interface Attachment {
  member: Member;
  /** The session the socket was opened with, and its epoch: what a revocation matches (absent: sockets from before). */
  sessionId?: string;
  epoch?: number;
  /** May delete others' messages: an admin, or the private room's owner (absent: sockets from before). */
  moderator?: boolean;
  connectedAt: number;
  /** The user's message allowance as of this socket's last message (the room keeps one per user: chat-room.ts). */
  bucket: GcraState | null;
  lastTypingAt: number;
  /**
   * After a message of this socket was refused for the rate: later messages (other client ids) are refused too
   * until that one is sent again (or `until` passes), so a burst already on its way cannot overtake it.
   */
  heldFor?: { clientMessageId: string; until: number; retryAt: number };
  invalidFrames: number;
  /** Set when the member was removed from a private room: their leave is announced once, by disconnect(). */
  removed?: boolean;
  /** Set when the session it was opened with ended: closed with 4401, and nothing it sends is read any more. */
  revoked?: boolean;
}

/**
 * Attachments as last written, by socket, so the hot path reads them without deserialising one per frame. Only
 * for this instance's socket objects: after hibernation the sockets are new objects and are read afresh.
 */
const attachments = new WeakMap<WebSocket, Attachment>();

/** The socket's attachment (from memory, or deserialised once after hibernation); null for a foreign socket. */
export function attachmentOf(ws: WebSocket): Attachment | null {
  const known = attachments.get(ws);
  if (known) return known;
  const stored = ws.deserializeAttachment() as Attachment | null;
  if (stored) attachments.set(ws, stored);
  return stored;
}

/** Writes the socket's attachment (kept through hibernation) and the copy the hot path reads. */
export function saveAttachment(ws: WebSocket, attachment: Attachment): void {
  ws.serializeAttachment(attachment);
  attachments.set(ws, attachment);
}

/** Everyone connected, once each, rebuilt from the sockets' attachments (survives hibernation). */
export function rosterOf(sockets: readonly WebSocket[], except?: WebSocket): Member[] {
  const members = new Map<string, Member>();
  for (const socket of sockets) {
    if (socket === except || socket.readyState !== WebSocket.READY_STATE_OPEN) continue;
    const attachment = attachmentOf(socket);
    if (attachment) members.set(attachment.member.userId, attachment.member);
  }
  return [...members.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

export function sendFrame(ws: WebSocket, frame: ServerFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // A socket that is closing: the close handler cleans up.
  }
}

/** Sends to every open socket; a dead one is skipped and never blocks the rest. */
export function broadcastFrame(sockets: readonly WebSocket[], frame: ServerFrame, except?: WebSocket): void {
  const text = JSON.stringify(frame);
  for (const socket of sockets) {
    if (socket === except) continue;
    try {
      socket.send(text);
    } catch {
      // closed or closing
    }
  }
}

/**
 * The room's accepted sockets, listed once and kept until one is accepted or leaves: a broadcast reads the list
 * instead of asking the runtime for every socket per message. A new instance (after hibernation) lists afresh.
 */
export class RoomSockets {
  #all: WebSocket[] | null = null;
  readonly #ctx: DurableObjectState;

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  all(): WebSocket[] {
    this.#all ??= this.#ctx.getWebSockets();
    return this.#all;
  }

  /** A socket was accepted, closed or is being closed: list them again next time. */
  changed(): void {
    this.#all = null;
  }

  roster(except?: WebSocket): Member[] {
    return rosterOf(this.all(), except);
  }

  broadcast(frame: ServerFrame, except?: WebSocket): void {
    broadcastFrame(this.all(), frame, except);
  }
}
