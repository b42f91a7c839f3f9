// A room's messages, virtualised (react-virtuoso), oldest at the top. It opens at its anchor (the newest message,
// a linked one, or where the reader left off), follows new messages while at the bottom, loads earlier pages as
// the reader scrolls up (the rows on screen keep their place: `firstItemIndex`) and, in a run further back,
// later pages as they scroll down.
import { type Ref, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState } from "react";
import { Virtuoso, type VirtuosoHandle } from "react-virtuoso";
import type { OutboxEntry } from "../../lib/room-client";
import {
  AT_BOTTOM_PX,
  components,
  computeItemKey,
  itemContent,
  type ListContext,
  PIN_MS,
  pinToBottom,
  READER_EVENTS,
  useNow,
} from "./message-list-parts";
import { buildRows, type Row } from "./message-row";
import type { Me, MessageCommands } from "./message-view";
import { hasOlder, shown } from "./timeline";
import type { LiveRoom } from "./use-live-room";

export interface MessageListHandle {
  /** Scrolls to a message in the run on screen (centred), and highlights it when asked. */
  scrollToMessage(id: number, highlight: boolean): boolean;
  scrollToBottom(): void;
}

const HIGHLIGHT_MS = 4_000;
/** How long a newly shown list takes to reach its anchor, before scrolling to either end loads more. */
const SETTLE_MS = 500;
/** How long a newly shown list is kept at its anchor while its rows are measured. */
const ANCHOR_HOLD_MS = 1_000;
const NONE: OutboxEntry[] = [];

export function MessageList({
  room,
  live,
  me,
  firstUnreadId,
  commands,
  editingId,
  onAtBottom,
  onTargetMissing,
  ref,
}: {
  room: string;
  live: LiveRoom;
  me: Me | null;
  firstUnreadId: number | null;
  commands: MessageCommands;
  editingId: number | null;
  onAtBottom: (atBottom: boolean) => void;
  onTargetMissing: (id: number) => void;
  ref?: Ref<MessageListHandle>;
}) {
  const { timeline } = live;
  const virtuoso = useRef<VirtuosoHandle>(null);
  const now = useNow();
  const run = shown(timeline);
  const detached = timeline.detached !== null;
  // When each pending message was written, for its place in the groups.
  const pendingSince = useRef(new Map<string, string>());
  // Thread replies on their way show in their thread's panel, not here.
  const outboxEntries = live.outbox.entries;
  const pending = useMemo(
    () => (detached ? NONE : outboxEntries.filter((e) => e.threadRootId === undefined)),
    [detached, outboxEntries],
  );
  for (const entry of pending) {
    if (!pendingSince.current.has(entry.clientMessageId)) {
      pendingSince.current.set(entry.clientMessageId, new Date().toISOString());
    }
  }
  if (!detached && pendingSince.current.size > pending.length) {
    const waiting = new Set(pending.map((e) => e.clientMessageId));
    for (const id of pendingSince.current.keys()) if (!waiting.has(id)) pendingSince.current.delete(id);
  }
  const rows = useMemo(
    () => buildRows(run.messages, pending, me, firstUnreadId, pendingSince.current),
    [run.messages, pending, me, firstUnreadId],
  );
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  const [highlightId, setHighlightId] = useState<number | null>(null);
  const [focusId, setFocusId] = useState<number | null>(null);
  const highlightTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const highlight = useCallback((id: number) => {
    setHighlightId(id);
    setFocusId(id);
    if (highlightTimer.current) clearTimeout(highlightTimer.current);
    highlightTimer.current = setTimeout(() => setHighlightId(null), HIGHLIGHT_MS);
  }, []);
  useEffect(
    () => () => {
      if (highlightTimer.current) clearTimeout(highlightTimer.current);
    },
    [],
  );
  const onFocused = useCallback(() => setFocusId(null), []);

  // Where a newly shown run opens (read by the list once, when it is mounted for this `version`).
  const { anchor, version } = timeline;
  // biome-ignore lint/correctness/useExhaustiveDependencies: computed once per shown run
  const initialIndex = useMemo(() => {
    const last = Math.max(0, rowsRef.current.length - 1);
    if (anchor.kind === "bottom") return { index: last, align: "end" as const };
    const index = rowsRef.current.findIndex((r) => r.kind === "message" && r.message.id >= anchor.id);
    if (index < 0) return { index: last, align: "end" as const };
    return { index, align: anchor.align };
  }, [version]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per shown run
  useEffect(() => {
    if (anchor.kind !== "message" || !anchor.highlight) return;
    const found = rowsRef.current.some((r) => r.kind === "message" && r.message.id === anchor.id);
    if (found) highlight(anchor.id);
    else onTargetMissing(anchor.id);
  }, [version]);

  // The list's scrolling element.
  const scroller = useRef<HTMLElement | null>(null);
  const setScroller = useCallback((el: HTMLElement | Window | null) => {
    scroller.current = el instanceof HTMLElement ? el : null;
  }, []);
  // To the very bottom (past the list's end, not just its last row), and kept there while the rows there are
  // measured.
  const unpin = useRef(() => {});
  const toBottom = useCallback(() => {
    virtuoso.current?.scrollToIndex({ index: "LAST", align: "end" });
    unpin.current();
    unpin.current = pinToBottom(scroller.current, PIN_MS);
  }, []);
  useEffect(() => () => unpin.current(), []);

  // A reader at the bottom stays there when the list changes size (a window resized, a phone turned, a notice
  // above the message box): the list alone would keep its scrollTop, and the newest messages would go out of sight.
  const detachedRef = useRef(detached);
  detachedRef.current = detached;
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per shown run (the list is mounted afresh)
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const gap = () => el.scrollHeight - el.clientHeight - el.scrollTop;
    // As of the last scroll: by the time a resize is observed, the list may have moved for it.
    let wasAtBottom = gap() <= AT_BOTTOM_PX;
    const onScroll = () => {
      wasAtBottom = gap() <= AT_BOTTOM_PX;
    };
    let size = `${el.clientWidth}x${el.clientHeight}`;
    let unpinResize = () => {};
    const observer = new ResizeObserver(() => {
      const now = `${el.clientWidth}x${el.clientHeight}`;
      if (now === size) return;
      size = now;
      if (!wasAtBottom || detachedRef.current) return;
      unpinResize();
      unpinResize = pinToBottom(el, PIN_MS);
    });
    el.addEventListener("scroll", onScroll, { passive: true });
    observer.observe(el);
    return () => {
      observer.disconnect();
      el.removeEventListener("scroll", onScroll);
      unpinResize();
    };
  }, [version]);

  useImperativeHandle(
    ref,
    () => ({
      scrollToMessage(id, withHighlight) {
        const index = rowsRef.current.findIndex((r) => r.kind === "message" && r.message.id === id);
        if (index < 0) return false;
        virtuoso.current?.scrollToIndex({ index, align: "center" });
        if (withHighlight) highlight(id);
        return true;
      },
      scrollToBottom: toBottom,
    }),
    [highlight, toBottom],
  );

  // A message this user just wrote is always brought into view, wherever the reader was.
  const pendingCount = pending.length;
  const previousPending = useRef(pendingCount);
  useEffect(() => {
    const grew = pendingCount > previousPending.current;
    previousPending.current = pendingCount;
    if (!grew) return;
    const frame = requestAnimationFrame(toBottom);
    return () => cancelAnimationFrame(frame);
  }, [pendingCount, toBottom]);

  // The last rows can change after they are shown (a link preview arrives, "Sending…" becomes "Not sent", a
  // message of mine on its way is replaced by the room's copy of it): while at the bottom, stay there, also
  // while the list measures the new rows and corrects its position (it can settle a row's height short).
  const atBottom = useRef(true);
  const lastRow = rows.at(-1);
  const lastRowState = `${lastRow?.key}:${lastRow?.kind === "pending" ? lastRow.state : ""}`;
  const lastPreviews = lastRow?.kind === "message" ? live.previews[lastRow.message.id] : undefined;
  // An edit, a reaction or a reply to the last message changes its height too.
  const lastMessage = lastRow?.kind === "message" ? lastRow.message : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the last row changes shape
  useEffect(() => {
    if (!atBottom.current || detached) return;
    return pinToBottom(scroller.current, PIN_MS);
  }, [lastRowState, lastPreviews, lastMessage]);

  const { loadOlder, loadNewer, older, newer, retry, discard } = live;
  const canLoadOlder = hasOlder(timeline);

  // The list reports its start (and end) as reached while it is still moving to its anchor: earlier and later
  // pages load by themselves only once it has settled there (or if it settled at its very top).
  const settled = useRef(false);
  const atTop = useRef(false);
  /** Whether the reader is really near the top (or bottom) of what is loaded, whatever the list reports. */
  const near = (end: "top" | "bottom") => {
    const el = scroller.current;
    if (!el) return false;
    const gap = end === "top" ? el.scrollTop : el.scrollHeight - el.clientHeight - el.scrollTop;
    return gap < el.clientHeight;
  };
  const loadOlderIfIdle = useRef(() => {});
  loadOlderIfIdle.current = () => {
    if (canLoadOlder && older.kind === "idle") void loadOlder();
  };
  // The list reaches its anchor with estimated row heights; as the rows around it are measured it can drift off
  // (rows taller than the estimate): for a moment after it is shown, put it right until the reader scrolls.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per shown run
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    let stop = false;
    const byReader = () => {
      stop = true;
    };
    for (const type of READER_EVENTS) el.addEventListener(type, byReader, { passive: true });
    const started = performance.now();
    let frame = requestAnimationFrame(function check() {
      if (stop || performance.now() - started > ANCHOR_HOLD_MS) return;
      if (anchor.kind === "bottom") {
        if (el.scrollHeight - el.clientHeight - el.scrollTop > 2) el.scrollTop = el.scrollHeight;
      } else {
        // The row (with its dividers) at the top, or the message in the middle, within a few pixels; unless the
        // list cannot scroll that far (the row is near the end).
        const box = el.querySelector(`#m${anchor.id}`)?.closest("li")?.getBoundingClientRect();
        const view = el.getBoundingClientRect();
        const want = anchor.align === "start" ? view.top : view.top + (view.height - (box?.height ?? 0)) / 2;
        const atEnd = el.scrollHeight - el.clientHeight - el.scrollTop <= 2;
        if (!box || (Math.abs(box.top - want) > 24 && !(atEnd && box.top > want))) {
          virtuoso.current?.scrollToIndex(initialIndex);
        }
      }
      frame = requestAnimationFrame(check);
    });
    return () => {
      cancelAnimationFrame(frame);
      for (const type of READER_EVENTS) el.removeEventListener(type, byReader);
    };
  }, [version]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per shown run
  useEffect(() => {
    settled.current = false;
    const timer = setTimeout(() => {
      settled.current = true;
      if (atTop.current) loadOlderIfIdle.current();
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [version]);
  const empty = rows.length === 0;
  const previews = live.previews;
  // One object for as long as nothing in it changes: a new one re-renders every row on screen.
  const context = useMemo<ListContext>(
    () => ({
      room,
      older,
      newer,
      hasOlder: canLoadOlder,
      detached,
      empty,
      loadOlder: () => void loadOlder(),
      loadNewer: () => void loadNewer(),
      now,
      me,
      highlightId,
      focusId,
      onFocused,
      previews,
      onRetry: retry,
      onDiscard: discard,
      commands,
      editingId,
    }),
    [
      room,
      older,
      newer,
      canLoadOlder,
      detached,
      empty,
      loadOlder,
      loadNewer,
      now,
      me,
      highlightId,
      focusId,
      onFocused,
      previews,
      retry,
      discard,
      commands,
      editingId,
    ],
  );

  return (
    <Virtuoso<Row, ListContext>
      key={version}
      ref={virtuoso}
      className="messages"
      role="region"
      aria-label={`Messages in #${room}`}
      data-testid="messages"
      data-loaded={run.messages.length}
      data-detached={detached || undefined}
      data={rows}
      context={context}
      components={components}
      firstItemIndex={timeline.base}
      initialTopMostItemIndex={initialIndex}
      computeItemKey={computeItemKey}
      itemContent={itemContent}
      alignToBottom
      followOutput={(bottom) => {
        // This user's own message (on its way) is always brought into view; others' only while at the bottom.
        if (rowsRef.current.at(-1)?.kind === "pending") return "auto";
        return bottom && !detached ? "auto" : false;
      }}
      atBottomThreshold={AT_BOTTOM_PX}
      atBottomStateChange={(bottom) => {
        atBottom.current = bottom;
        onAtBottom(bottom);
      }}
      atTopStateChange={(top) => {
        atTop.current = top;
        // Back at the top of what is loaded (the list may hold it all, so "start reached" does not come again).
        if (top && settled.current) loadOlderIfIdle.current();
      }}
      scrollerRef={setScroller}
      startReached={() => {
        if (settled.current && near("top")) loadOlderIfIdle.current();
      }}
      endReached={() => {
        if (settled.current && near("bottom") && detached && newer.kind === "idle") void loadNewer();
      }}
      increaseViewportBy={{ top: 800, bottom: 400 }}
    />
  );
}
