// What a room's message list holds: runs of consecutive messages, oldest first. `latest` ends at the room's newest
// message (the socket's history and live messages, plus earlier pages as the user scrolls up); `detached` is a run
// further back (a linked message, or where the user left off), shown instead of `latest` until the two meet.
// `base` is the list's index of the first row on screen: it goes down as earlier pages are prepended, so the rows
// already shown keep their place (react-virtuoso's `firstItemIndex`).
import type { ChatMessage } from "../../../features/rooms/rooms.schema";

/** The first row's index when a run is first shown; prepending lowers it, and it must stay positive. */
export const FIRST_INDEX = 1_000_000_000;

/** Where a newly shown run opens: at its newest message, or at one message (centred, or at the top). */
export type Anchor =
  | { kind: "bottom" }
  | { kind: "message"; id: number; align: "start" | "center"; highlight: boolean };

interface Run {
  messages: ChatMessage[];
  /** The page before the run's first message is known to be empty: it starts at the room's first message. */
  startReached: boolean;
}

export interface Timeline {
  latest: Run;
  detached: Run | null;
  base: number;
  /** Changes when the run on screen is replaced: the list is then shown afresh at `anchor`. */
  version: number;
  anchor: Anchor;
  /** The socket has delivered the newest messages at least once. */
  ready: boolean;
}

export type TimelineAction =
  | { type: "live"; messages: ChatMessage[] }
  /** Messages changed in place (an edit, a delete, a reaction, a reply to a root): replaced where shown. */
  | { type: "update"; messages: ChatMessage[] }
  | { type: "synced" }
  | { type: "older"; version: number; messages: ChatMessage[]; startReached: boolean }
  /** `endReached`: the server said nothing newer exists (the run then joins the newest messages). */
  | { type: "newer"; version: number; messages: ChatMessage[]; endReached?: boolean }
  | { type: "detach"; messages: ChatMessage[]; startReached: boolean; anchor: Anchor; endReached?: boolean }
  | { type: "show"; anchor: Anchor }
  | { type: "latest"; anchor?: Anchor }
  | { type: "reset" };

export const initialTimeline: Timeline = {
  latest: { messages: [], startReached: false },
  detached: null,
  base: FIRST_INDEX,
  version: 0,
  anchor: { kind: "bottom" },
  ready: false,
};

/**
 * `incoming` merged into `current` (both oldest first), each id once (the incoming copy wins), with how many of
 * the result come before `current`'s first message.
 */
export function mergeMessages(
  current: ChatMessage[],
  incoming: ChatMessage[],
): { messages: ChatMessage[]; prepended: number } {
  if (incoming.length === 0) return { messages: current, prepended: 0 };
  const last = current.at(-1)?.id ?? Number.NEGATIVE_INFINITY;
  const sorted = incoming.every((m, i) => i === 0 || (incoming[i - 1]?.id ?? 0) < m.id);
  // The common case, live messages: all newer than what is there.
  if (sorted && (incoming[0]?.id ?? 0) > last) return { messages: [...current, ...incoming], prepended: 0 };
  const byId = new Map<number, ChatMessage>();
  for (const m of current) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  const messages = [...byId.values()].sort((a, b) => a.id - b.id);
  const first = current[0]?.id;
  const prepended = first === undefined ? 0 : messages.findIndex((m) => m.id >= first);
  return { messages, prepended: Math.max(0, prepended) };
}

/** `run` with each of `changed` that it holds replaced (the same array when it holds none). */
function replaceIn(run: Run, changed: Map<number, ChatMessage>): Run {
  let replaced = false;
  const messages = run.messages.map((m) => {
    const next = changed.get(m.id);
    if (!next || next === m) return m;
    replaced = true;
    return next;
  });
  return replaced ? { ...run, messages } : run;
}

/** The run on screen. */
export function shown(timeline: Timeline): Run {
  return timeline.detached ?? timeline.latest;
}

/** Whether there are earlier messages to load before the run on screen. */
export function hasOlder(timeline: Timeline): boolean {
  const run = shown(timeline);
  const first = run.messages[0]?.id;
  return !run.startReached && first !== undefined && first > 1;
}

/** `detached` followed by `latest`, when they meet (or nothing newer than `detached` exists). */
function join(timeline: Timeline, detached: Run): Timeline {
  const { messages, prepended } = mergeMessages(detached.messages, timeline.latest.messages);
  return {
    ...timeline,
    latest: { messages, startReached: detached.startReached },
    detached: null,
    base: timeline.base - prepended,
  };
}

const meets = (older: ChatMessage[], newer: ChatMessage[]) => {
  const last = older.at(-1)?.id;
  const first = newer[0]?.id;
  return last !== undefined && first !== undefined && last + 1 >= first;
};

export function timelineReducer(timeline: Timeline, action: TimelineAction): Timeline {
  switch (action.type) {
    case "live": {
      const { messages, prepended } = mergeMessages(timeline.latest.messages, action.messages);
      return {
        ...timeline,
        latest: { ...timeline.latest, messages },
        base: timeline.detached ? timeline.base : timeline.base - prepended,
      };
    }
    case "update": {
      const changed = new Map(action.messages.map((m) => [m.id, m]));
      const latest = replaceIn(timeline.latest, changed);
      const detached = timeline.detached && replaceIn(timeline.detached, changed);
      if (latest === timeline.latest && detached === timeline.detached) return timeline;
      return { ...timeline, latest, detached };
    }
    case "synced":
      return timeline.ready ? timeline : { ...timeline, ready: true };
    case "older": {
      if (action.version !== timeline.version) return timeline;
      const run = shown(timeline);
      const { messages, prepended } = mergeMessages(run.messages, action.messages);
      const next: Run = { messages, startReached: action.startReached || messages[0]?.id === 1 };
      return {
        ...timeline,
        ...(timeline.detached ? { detached: next } : { latest: next }),
        base: timeline.base - prepended,
      };
    }
    case "newer": {
      const { detached } = timeline;
      if (!detached || action.version !== timeline.version) return timeline;
      const before = detached.messages.at(-1)?.id ?? 0;
      const { messages } = mergeMessages(detached.messages, action.messages);
      const next: Run = { ...detached, messages };
      const nothingNewer = !action.messages.some((m) => m.id > before);
      // Ids are shared with events and thread replies: "meets" is only a hint; the server's word decides.
      const ended = action.endReached ?? nothingNewer;
      if (ended || meets(messages, timeline.latest.messages)) return join(timeline, next);
      return { ...timeline, detached: next };
    }
    case "detach": {
      const shownAfresh = { version: timeline.version + 1, base: FIRST_INDEX, anchor: action.anchor };
      if (action.endReached || meets(action.messages, timeline.latest.messages) || action.messages.length === 0) {
        const { messages } = mergeMessages(timeline.latest.messages, action.messages);
        const startReached = action.startReached || messages[0]?.id === 1;
        return { ...timeline, ...shownAfresh, latest: { messages, startReached }, detached: null };
      }
      return {
        ...timeline,
        ...shownAfresh,
        detached: { messages: action.messages, startReached: action.startReached || action.messages[0]?.id === 1 },
      };
    }
    case "show":
      return { ...timeline, version: timeline.version + 1, base: FIRST_INDEX, anchor: action.anchor };
    case "latest":
      return {
        ...timeline,
        detached: null,
        version: timeline.version + 1,
        base: FIRST_INDEX,
        anchor: action.anchor ?? { kind: "bottom" },
      };
    case "reset":
      return { ...initialTimeline, version: timeline.version + 1 };
    default:
      return timeline;
  }
}
