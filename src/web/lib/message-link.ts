// Where a message lives in the UI: the room opened at that message (the room page's ?message=<id> loads the run of
// history around it and highlights it). A thread reply opens the room at its root with the thread open
// (?thread=<rootId>); a room page that does not know `thread` still opens at the root, in context.

/** `/rooms/general?message=42`; a reply: `/rooms/general?message=7&thread=7&reply=42`. */
export function messageLink(room: string, messageId: number, threadRootId: number | null = null): string {
  const path = `/rooms/${encodeURIComponent(room)}`;
  if (threadRootId === null || threadRootId === messageId) return `${path}?message=${messageId}`;
  return `${path}?message=${threadRootId}&thread=${threadRootId}&reply=${messageId}`;
}

/** A file's entry on the files page. */
export function fileLink(fileId: string): string {
  return `/files?file=${encodeURIComponent(fileId)}`;
}
