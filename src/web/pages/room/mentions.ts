// Mentions in a message's text: the room resolved them (message.mentions, message.mentionsRoom); this finds where
// they are in the text, to highlight them, and marks the ones that are for the reader (their name, or @room).
// Pure: used by the plain-text path, by the Markdown renderer's plugin, and by the composer's autocomplete.
import type { ChatMessage } from "../../../features/rooms/rooms.schema";

export interface MentionNames {
  /** Display names mentioned (without "@"), longest first; "room" when the message mentions @room. */
  names: string[];
  /** Lower-cased names that mean the reader (their own name, and "room"). */
  mine: Set<string>;
}

export type Segment = { kind: "text"; text: string } | { kind: "mention"; text: string; mine: boolean };

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * What to highlight in `message` for the reader `me` (null: nobody in particular, or the message is the reader's
 * own), or null when nothing is mentioned.
 */
export function mentionNames(
  message: Pick<ChatMessage, "mentions" | "mentionsRoom">,
  me: { userId: string; displayName: string } | null,
): MentionNames | null {
  const names = message.mentions.map((m) => m.displayName);
  if (message.mentionsRoom) names.push("room");
  if (names.length === 0) return null;
  const mine = new Set<string>();
  // The reader is everyone but the sender: the caller passes no reader for the reader's own messages.
  if (message.mentionsRoom && me) mine.add("room");
  for (const m of message.mentions) if (me && m.userId === me.userId) mine.add(m.displayName.toLowerCase());
  const unique = [...new Set(names)].sort((a, b) => b.length - a.length);
  return { names: unique, mine };
}

const patterns = new Map<string, RegExp>();
/** `@name` (any of `names`, case-insensitive, longest first) followed by the end, whitespace or punctuation. */
function patternFor(names: string[]): RegExp {
  const key = names.join("\u0000");
  let pattern = patterns.get(key);
  if (!pattern) {
    pattern = new RegExp(`@(${names.map(escapeRegExp).join("|")})(?=$|[\\s\\p{P}\\p{S}])`, "giu");
    if (patterns.size > 500) patterns.clear();
    patterns.set(key, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

/** `text` cut into plain runs and mentions (a text without any gives one plain run). */
export function splitMentions(text: string, mentions: MentionNames | null): Segment[] {
  if (!mentions || !text.includes("@")) return [{ kind: "text", text }];
  const segments: Segment[] = [];
  let at = 0;
  for (const match of text.matchAll(patternFor(mentions.names))) {
    const start = match.index ?? 0;
    if (start > at) segments.push({ kind: "text", text: text.slice(at, start) });
    segments.push({ kind: "mention", text: match[0], mine: mentions.mine.has((match[1] ?? "").toLowerCase()) });
    at = start + match[0].length;
  }
  if (at < text.length) segments.push({ kind: "text", text: text.slice(at) });
  return segments;
}

/** The partial mention being typed just before the caret ("@ad" → { start: index of "@", query: "ad" }). */
export function mentionAtCaret(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  // "@" at the start or after whitespace/punctuation, then up to 32 characters without a line break or another "@".
  const match = /(?:^|[\s([{"'])@([^\s@][^\n@]{0,31}|)$/u.exec(before);
  if (!match) return null;
  const query = match[1] ?? "";
  // A name has at most two spaces in a row of words: stop offering once the text runs on past a sentence.
  if (/\s{2}|[.!?,;:]\s/.test(query)) return null;
  return { start: caret - query.length - 1, query };
}

/** `text` with the mention being typed (from `start` to `caret`) replaced by "@name ", and where the caret goes. */
export function insertMention(text: string, start: number, caret: number, name: string) {
  const inserted = `@${name} `;
  const after = text.slice(caret).replace(/^ /, "");
  return { text: text.slice(0, start) + inserted + after, caret: start + inserted.length };
}
