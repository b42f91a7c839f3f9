// Closing a user's sockets from outside: removal from a private room (4403) and an ended session (4401). Each
// socket is marked in its attachment before it is closed, so nothing it still sends is read (webSocketMessage)
// and its `leave` is announced once, by the caller, not again when its close comes back.
import { type Attachment, attachmentOf, saveAttachment } from "./room-sockets";
import type { Member } from "./rooms.schema";

export interface ClosedSockets {
  closed: number;
  /** Open sockets of the user that `match` left alone. */
  kept: number;
  /** Who was closed (for the `leave`), or null. */
  member: Member | null;
}

export function closeSockets(
  sockets: readonly WebSocket[],
  match: (attachment: Attachment) => boolean,
  mark: "removed" | "revoked",
  code: number,
  reason: string,
): ClosedSockets {
  const result: ClosedSockets = { closed: 0, kept: 0, member: null };
  for (const ws of sockets) {
    const attachment = attachmentOf(ws);
    // Closed already (removed, or its session ended): its close is on its way.
    if (attachment?.removed || attachment?.revoked) continue;
    if (attachment && !match(attachment)) {
      result.kept++;
      continue;
    }
    if (attachment) {
      result.member = attachment.member;
      saveAttachment(ws, { ...attachment, [mark]: true });
    }
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
    result.closed++;
  }
  return result;
}
