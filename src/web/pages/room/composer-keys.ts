// What a key does in a message box (the composer, a thread's composer, the inline editor). Pure, so it is tested
// without a browser. While mention suggestions are open they take the arrows, Enter, Tab and Escape.
export type KeyAction = "send" | "cancel" | "next" | "previous" | "pick" | "close" | null;

export interface KeyInput {
  key: string;
  shiftKey: boolean;
  /** An IME composition is under way: its Enter ends the composition, it sends nothing. */
  isComposing: boolean;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
}

export function keyAction(event: KeyInput, suggesting: boolean): KeyAction {
  if (event.isComposing) return null;
  const modified = event.altKey || event.ctrlKey || event.metaKey;
  if (suggesting) {
    if (event.key === "ArrowDown") return "next";
    if (event.key === "ArrowUp") return "previous";
    if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && !modified) return "pick";
    if (event.key === "Escape") return "close";
  }
  // Enter sends; Shift+Enter is a new line (the textarea's own behaviour).
  if (event.key === "Enter" && !event.shiftKey && !event.altKey) return "send";
  if (event.key === "Escape") return "cancel";
  return null;
}

/** The suggestion highlighted after moving `by` (wrapping round), of `count`. */
export function moveActive(active: number, by: 1 | -1, count: number): number {
  if (count === 0) return 0;
  return (active + by + count) % count;
}
