// The rules a chat message's Markdown follows wherever it is shown (the room's renderer is
// src/web/pages/room/message-text.tsx): which URLs may be links, and which texts need no Markdown parsing at all.

const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/** `url` if it is an absolute http(s) or mailto URL; nothing otherwise (javascript:, data:, relative paths…). */
export function safeMessageUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Text with nothing Markdown would change: no markup characters, no line breaks, nothing that autolinks. Most chat
 * messages are like this, and are shown as they are without parsing.
 */
const PLAIN = /^[^\n*_`~#>[\]()<>|!\\@&=]*$/;
/** A list item's start, or what GFM turns into a link by itself. */
const NOT_PLAIN = /^\s*([-+]|\d+[.)])\s|:\/\/|www\./i;

export function isPlainText(text: string): boolean {
  return PLAIN.test(text) && !NOT_PLAIN.test(text);
}
