// One frame from a room's socket: read with limits (read-client-frame.ts), then typing, resume, or a change to
// the log (room-ops.ts). A socket closed by a removal or a revocation is not read any more.
import { readClientFrame } from "./read-client-frame";
import type { RoomOps } from "./room-ops";
import { type Attachment, attachmentOf, type RoomSockets, saveAttachment, sendFrame } from "./room-sockets";

const TYPING_EVERY_MS = 2_000;
const MAX_INVALID_FRAMES = 20;

/** Applies one frame; a promise only when it has to wait (the caller holds the next frames until then). */
export function applyFrame(
  ws: WebSocket,
  data: string | ArrayBuffer,
  ops: RoomOps,
  sockets: RoomSockets,
): void | Promise<void> {
  const attachment = attachmentOf(ws);
  if (!attachment) return ws.close(1011, "lost connection state");
  // Closed by a removal or a revocation: whatever it sent before its close arrived is not read.
  if (attachment.removed || attachment.revoked) return;
  const read = readClientFrame(data);
  if (read.kind === "too-large") return ws.close(1009, "frame too large");
  if (read.kind === "refused") return reject(ws, attachment, read.code, read.reason);
  const frame = read.frame;
  switch (frame.type) {
    case "typing":
      return typing(ws, attachment, sockets);
    case "resume":
      return ops.resume(ws, attachment, frame.lastId);
    case "message":
      return ops.message(ws, attachment, frame);
    case "edit":
      return ops.edit(ws, attachment, frame);
    case "delete":
      return ops.delete(ws, attachment, frame);
    case "react":
      return ops.react(ws, attachment, frame);
  }
}

function typing(ws: WebSocket, attachment: Attachment, sockets: RoomSockets): void {
  const now = Date.now();
  if (now - attachment.lastTypingAt < TYPING_EVERY_MS) return;
  saveAttachment(ws, { ...attachment, lastTypingAt: now });
  sockets.broadcast({ type: "typing", member: attachment.member }, ws);
}

function reject(ws: WebSocket, attachment: Attachment, code: "invalid-frame" | "binary-not-supported", reason: string) {
  const invalidFrames = attachment.invalidFrames + 1;
  if (invalidFrames > MAX_INVALID_FRAMES) return ws.close(1008, "too many invalid frames");
  saveAttachment(ws, { ...attachment, invalidFrames });
  sendFrame(ws, { type: "error", code, reason: reason.slice(0, 200) });
}
