// Where a citation leads in the UI: a room message or a file, by structured fields and an href built from them.
import type { Citation } from "./assistant.schema";

/** The UI's address of a room message: the room page, scrolled to that message. */
export function messageHref(room: string, messageId: number): string {
  return `/rooms/${encodeURIComponent(room)}?message=${messageId}`;
}

/** The UI's address of a file: the files page with that file open. */
export function fileHref(fileId: string): string {
  return `/files?file=${encodeURIComponent(fileId)}`;
}

/**
 * A citation stored before citations carried `room`/`messageId`/`fileId` (message links were `/rooms/x#m5`),
 * in the current form; a current one unchanged.
 */
export function upgradeCitation(c: Citation): Citation {
  if (c.kind === "message" && c.messageId === undefined) {
    const old = /^\/rooms\/([^/?#]+)#m(\d{1,15})$/.exec(c.href);
    if (!old?.[1] || !old[2]) return c;
    const room = decodeURIComponent(old[1]);
    const messageId = Number(old[2]);
    return { ...c, room, messageId, href: messageHref(room, messageId) };
  }
  if (c.kind === "file" && c.fileId === undefined) return { ...c, fileId: c.source, href: fileHref(c.source) };
  return c;
}
