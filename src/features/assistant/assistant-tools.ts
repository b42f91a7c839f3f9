// The assistant's tools: search room messages and my files, read a named room and counters. Results are data.

import { terms as termsOf } from "@outpost/edge-kit/ai";
import type { Lanes, SubrequestBudget, TokenBucketQueue } from "@outpost/edge-kit/pacing";
import { FileSearch } from "../files";
import { linkPreview, linksIn } from "../previews";
import { RoomDirectory } from "../rooms";
import { type ChatMessage, ROOM_NAME } from "../rooms/rooms.schema";
import type { Citation } from "./assistant.schema";
import { fileHref, messageHref } from "./citation-links";

/** A retrieved passage; becomes a citation when it is used. */
export type Passage = Omit<Citation, "index"> & { score: number };

export interface ToolContext {
  env: Env;
  userId: string;
  question: string;
  lanes: Lanes;
  budget: SubrequestBudget;
  /** Paces this answer's outbound calls (a token bucket: rate, burst, concurrency). */
  pace: TokenBucketQueue;
  signal: AbortSignal;
}

interface Tool {
  name: string;
  /** Whether the question calls for this tool at all. */
  wanted(ctx: ToolContext): boolean;
  run(ctx: ToolContext): Promise<Passage[]>;
}

const ROOMS_SEARCHED = 10;

/** Search terms: distinct non-stopword words of the question, at most 8, letters and digits only. */
function searchTerms(question: string): string[] {
  return [
    ...new Set(
      termsOf(question)
        .map((t) => t.replace(/[^\p{L}\p{N}]/gu, ""))
        .filter((t) => t.length >= 3),
    ),
  ].slice(0, 8);
}

function scoreText(text: string, terms: readonly string[]): number {
  const lower = text.toLowerCase();
  return terms.reduce((sum, term) => sum + (lower.includes(term) ? 1 : 0), 0);
}

/** Every call to a binding spends the budget, waits its turn in the binding's lane, then for a token. */
function call<T>(ctx: ToolContext, lane: string, what: string, task: () => Promise<T>): Promise<T> {
  ctx.budget.spend(what);
  return ctx.lanes.run(lane, () => ctx.pace.run(task, ctx.signal), ctx.signal);
}

const searchMessages: Tool = {
  name: "search_messages",
  wanted: (ctx) => searchTerms(ctx.question).length > 0,
  async run(ctx) {
    const terms = searchTerms(ctx.question);
    // Only the rooms this user may see: every public room and the private ones they belong to.
    const visible = await call(ctx, "d1", "D1 rooms", () =>
      new RoomDirectory(ctx.env.DB).visibleTo(ctx.userId, ROOMS_SEARCHED),
    );
    // Within the budget: leave a subrequest for the answer, and search only as many rooms as remain.
    const rooms = visible.map((r) => r.name).slice(0, Math.max(0, ctx.budget.remaining - 2));
    const found = await Promise.all(
      rooms.map(async (room) => {
        const stub = ctx.env.CHAT_ROOM.get(ctx.env.CHAT_ROOM.idFromName(room));
        const messages = await call(ctx, "rooms", `ChatRoom ${room}`, () => stub.search(terms, 5));
        return messages.map((m) => messagePassage(room, m, terms, 0.5));
      }),
    );
    return found.flat();
  },
};

/** A room message as a passage: `bonus` ranks a found message (search) above one merely read (read_room). */
function messagePassage(room: string, m: ChatMessage, terms: string[], bonus: number): Passage {
  return {
    kind: "message",
    source: room,
    title: `#${room} · ${m.displayName} · ${m.createdAt.slice(0, 16).replace("T", " ")}`,
    excerpt: m.text.slice(0, 500),
    href: messageHref(room, m.id),
    room,
    messageId: m.id,
    score: scoreText(m.text, terms) + bonus,
  };
}

const searchFiles: Tool = {
  name: "search_files",
  wanted: (ctx) => searchTerms(ctx.question).length > 0,
  async run(ctx) {
    const terms = searchTerms(ctx.question);
    const match = terms.map((t) => `"${t}"`).join(" OR ");
    const rows = await call(ctx, "d1", "D1 file_search", () => new FileSearch(ctx.env.DB).search(ctx.userId, match, 5));
    return rows.map(
      (row): Passage => ({
        kind: "file",
        source: row.fileId,
        title: row.name,
        excerpt: (row.summary || row.keywords).slice(0, 600),
        href: fileHref(row.fileId),
        fileId: row.fileId,
        score: scoreText(`${row.name} ${row.summary} ${row.keywords}`, terms) + 0.5,
      }),
    );
  },
};

const readRoom: Tool = {
  name: "read_room",
  wanted: (ctx) => /#[a-z0-9][a-z0-9_-]{0,63}/.test(ctx.question),
  async run(ctx) {
    const room = /#([a-z0-9][a-z0-9_-]{0,63})/.exec(ctx.question)?.[1];
    if (!room || !ROOM_NAME.test(room)) return [];
    // A private room the user is not in reads as no room at all, as it does over HTTP.
    const admitted = await call(ctx, "d1", "D1 room access", () =>
      new RoomDirectory(ctx.env.DB).admit(room, ctx.userId).then(
        () => true,
        () => false,
      ),
    );
    if (!admitted) return [];
    const stub = ctx.env.CHAT_ROOM.get(ctx.env.CHAT_ROOM.idFromName(room));
    const page = await call(ctx, "rooms", `ChatRoom ${room}`, () => stub.history(undefined, 20));
    const terms = searchTerms(ctx.question);
    return page.messages.map((m) => messagePassage(room, m, terms, 0.25));
  },
};

const readCounters: Tool = {
  name: "read_counter",
  wanted: (ctx) => /\bcounter\s+[a-z0-9][a-z0-9_-]{0,63}/i.test(ctx.question),
  async run(ctx) {
    const name = /\bcounter\s+([a-z0-9][a-z0-9_-]{0,63})/i.exec(ctx.question)?.[1]?.toLowerCase();
    if (!name) return [];
    const value = await call(ctx, "counters", `Counter ${name}`, () =>
      ctx.env.COUNTER.get(ctx.env.COUNTER.idFromName(name)).get(),
    );
    return [
      {
        kind: "counter",
        source: name,
        title: `counter ${name}`,
        excerpt: `The counter ${name} is at ${value}.`,
        href: `/api/counters/${name}`,
        score: 3,
      },
    ];
  },
};

const previewLink: Tool = {
  name: "preview_link",
  wanted: (ctx) => linksIn(ctx.question, 1).length > 0,
  async run(ctx) {
    const passages: Passage[] = [];
    for (const url of linksIn(ctx.question, 2)) {
      const preview = await linkPreview(ctx.env, url, {
        call: (task) => call(ctx, "unfurl", `UNFURL ${url}`, task),
      });
      if (!preview) continue;
      passages.push({
        kind: "link",
        source: url,
        title: preview.title ?? preview.siteName ?? url,
        excerpt: [preview.title, preview.description].filter(Boolean).join(" — ").slice(0, 600),
        href: url,
        // A link the user asked about is always relevant.
        score: 5,
      });
    }
    return passages;
  },
};

export const TOOLS: readonly Tool[] = [searchMessages, searchFiles, readRoom, readCounters, previewLink];
