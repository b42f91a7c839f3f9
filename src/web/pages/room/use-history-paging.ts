// Paging a room's history on demand: the page before the run on screen (scrolling up), the page after a run
// further back (scrolling down), and a run around one message (a link, a search result, where the reader left
// off). Pages go through the room's log first, so later edits, deletes and reactions apply to them too.
import { type Dispatch, type RefObject, useCallback, useState } from "react";
import type { ChatMessage } from "../../../features/rooms/rooms.schema";
import { errorMessage } from "../../api";
import { historyAround, historyPage, PAGE } from "./room-api";
import { type Anchor, hasOlder, shown, type Timeline, type TimelineAction } from "./timeline";

/** Loading a page of history: idle, under way, or failed (with the sentence to show). */
export type PageStatus = { kind: "idle" } | { kind: "loading" } | { kind: "error"; message: string };
const IDLE: PageStatus = { kind: "idle" };

export function useHistoryPaging(
  room: string,
  timelineRef: RefObject<Timeline>,
  dispatch: Dispatch<TimelineAction>,
  ingest: (messages: ChatMessage[]) => ChatMessage[],
) {
  const [older, setOlder] = useState<PageStatus>(IDLE);
  const [newer, setNewer] = useState<PageStatus>(IDLE);
  const [loading] = useState(() => ({ older: false, newer: false }));

  /** Loads the page before the run on screen (scrolling up); a failure is kept for a Retry button. */
  const loadOlder = useCallback(async () => {
    const t = timelineRef.current;
    const first = shown(t).messages[0]?.id;
    if (first === undefined || !hasOlder(t) || loading.older) return;
    loading.older = true;
    setOlder({ kind: "loading" });
    try {
      const page = await historyPage(room, first, PAGE);
      const messages = ingest(page.messages);
      dispatch({ type: "older", version: t.version, messages, startReached: page.nextBefore === null });
      setOlder(IDLE);
    } catch (e) {
      setOlder({ kind: "error", message: errorMessage(e) });
    } finally {
      loading.older = false;
    }
  }, [room, timelineRef, dispatch, ingest, loading]);

  /** Loads the page after a run further back (scrolling down); when it meets the newest messages, they join. */
  const loadNewer = useCallback(async () => {
    const t = timelineRef.current;
    const last = t.detached?.messages.at(-1)?.id;
    if (last === undefined || loading.newer) return;
    loading.newer = true;
    setNewer({ kind: "loading" });
    try {
      // The page around the run's last message: it says whether newer messages exist (`nextAfter`).
      const page = await historyAround(room, last, PAGE);
      const messages = ingest(page.messages);
      dispatch({ type: "newer", version: t.version, messages, endReached: page.nextAfter === null });
      setNewer(IDLE);
    } catch (e) {
      setNewer({ kind: "error", message: errorMessage(e) });
    } finally {
      loading.newer = false;
    }
  }, [room, timelineRef, dispatch, ingest, loading]);

  /**
   * Shows message `id`: in the run on screen it is only scrolled to (the caller does that: answers "here");
   * otherwise the run holding it is loaded (the page before it and the page after) and shown around it.
   */
  const reveal = useCallback(
    async (
      id: number,
      anchor: Omit<Extract<Anchor, { kind: "message" }>, "id" | "kind">,
    ): Promise<"here" | "shown"> => {
      const t = timelineRef.current;
      const run = shown(t).messages;
      const target: Anchor = { kind: "message", id, ...anchor };
      if (run.length > 0 && (run[0]?.id ?? 0) <= id && id <= (run.at(-1)?.id ?? 0)) return "here";
      const latest = t.latest.messages;
      if (latest.length > 0 && (latest[0]?.id ?? 0) <= id) {
        dispatch({ type: "latest", anchor: target });
        return "shown";
      }
      const page = await historyAround(room, id, PAGE);
      setOlder(IDLE);
      setNewer(IDLE);
      dispatch({
        type: "detach",
        messages: ingest(page.messages),
        startReached: page.nextBefore === null,
        endReached: page.nextAfter === null,
        anchor: target,
      });
      return "shown";
    },
    [room, timelineRef, dispatch, ingest],
  );

  const resetPaging = useCallback(() => {
    setNewer(IDLE);
    setOlder(IDLE);
  }, []);

  return { older, newer, loadOlder, loadNewer, reveal, resetPaging };
}
