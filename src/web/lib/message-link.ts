// Where a message lives in the UI: the room opened at that message (the room page's ?message=<id> loads the run of
// history around it and highlights it). A thread reply has the same link: the room page finds it is not in the main
// timeline and opens its thread (history?around= centres the timeline on its root).

/** `/rooms/general?message=42`, for a message of the main timeline and for a thread reply alike. */
export function messageLink(room: string, messageId: number): string {
  return `/rooms/${encodeURIComponent(room)}?message=${messageId}`;
}

/** A file's entry on the files page. */
export function fileLink(fileId: string): string {
  return `/files?file=${encodeURIComponent(fileId)}`;
}
