// A room's messages, virtualised (react-virtuoso), oldest at the top. It opens at its anchor (the newest message,
// a linked one, or where the reader left off), follows new messages while at the bottom, loads earlier pages as
// the reader scrolls up (the rows on screen keep their place: `firstItemIndex`) and, in a run further back,
// later pages as they scroll down.
import {
  forwardRef,
  type HTMLAttributes,
  type Ref,
  useCallback,
  useEffect,
  useImperativeHandle,
  useMemo,
  useRef,
  useState,
} from "react";
import { type Components, type ItemProps, type ListProps, Virtuoso, type VirtuosoHandle } from "react-virtuoso";
import type { OutboxEntry } from "../../lib/room-client";
import { buildRows, type Row, type RowContext, RowView } from "./message-row";
import { hasOlder, shown } from "./timeline";
import type { LiveRoom, PageStatus } from "./use-live-room";

export interface MessageListHandle {
  /** Scrolls to a message in the run on screen (centred), and highlights it when asked. */
  scrollToMessage(id: number, highlight: boolean): boolean;
  scrollToBottom(): void;
}

interface ListContext extends RowContext {
  room: string;
  older: PageStatus;
  newer: PageStatus;
  hasOlder: boolean;
  detached: boolean;
  empty: boolean;
  loadOlder: () => void;
  loadNewer: () => void;
}

const HIGHLIGHT_MS = 4_000;
/** This close to the bottom (px) counts as at the bottom: new messages are followed. */
const AT_BOTTOM_PX = 80;
/** How long the list is kept at its bottom after its last row changes. */
const PIN_MS = 600;
/** What a reader does to scroll: any of these ends a hold on the list's position. */
const READER_EVENTS = ["wheel", "touchstart", "keydown", "mousedown"] as const;

/** Keeps `el` scrolled to its very bottom for `ms`, unless the reader scrolls meanwhile; answers the cancel. */
function pinToBottom(el: HTMLElement | null, ms: number): () => void {
  if (!el) return () => {};
  let stop = false;
  const byReader = () => {
    stop = true;
  };
  for (const type of READER_EVENTS) el.addEventListener(type, byReader, { passive: true });
  const started = performance.now();
  let frame = requestAnimationFrame(function check() {
    if (stop || performance.now() - started > ms) return;
    if (el.scrollHeight - el.clientHeight - el.scrollTop > 1) el.scrollTop = el.scrollHeight;
    frame = requestAnimationFrame(check);
  });
  return () => {
    cancelAnimationFrame(frame);
    for (const type of READER_EVENTS) el.removeEventListener(type, byReader);
  };
}
/** How long a newly shown list takes to reach its anchor, before scrolling to either end loads more. */
const SETTLE_MS = 500;
/** How long a newly shown list is kept at its anchor while its rows are measured. */
const ANCHOR_HOLD_MS = 1_000;
const NONE: OutboxEntry[] = [];

/** The current time, for "2 min ago", refreshed every half minute. */
function useNow(everyMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function PageState({ status, what, onRetry }: { status: PageStatus; what: "earlier" | "later"; onRetry: () => void }) {
  if (status.kind === "loading") {
    return (
      <p className="list-status" role="status" aria-busy="true" data-testid={`loading-${what}`}>
        <span className="spinner" aria-hidden="true" /> Loading {what} messages…
      </p>
    );
  }
  if (status.kind === "error") {
    return (
      <p className="list-status error" role="alert" data-testid={`failed-${what}`}>
        The {what} messages could not be loaded. {status.message}{" "}
        <button type="button" className="link" onClick={onRetry}>
          Retry
        </button>
      </p>
    );
  }
  return null;
}

function Header({ context }: { context: ListContext }) {
  if (context.older.kind !== "idle") {
    return <PageState status={context.older} what="earlier" onRetry={context.loadOlder} />;
  }
  if (context.hasOlder) {
    return (
      <p className="list-status">
        <button type="button" className="link" onClick={context.loadOlder}>
          Load earlier messages
        </button>
      </p>
    );
  }
  return (
    <div className="room-start">
      <p className="wrap-anywhere">This is the beginning of #{context.room}.</p>
      {context.empty && <p className="hint">No messages yet: say hello.</p>}
    </div>
  );
}

function Footer({ context }: { context: ListContext }) {
  if (!context.detached) return <div className="list-end" />;
  if (context.newer.kind !== "idle") {
    return <PageState status={context.newer} what="later" onRetry={context.loadNewer} />;
  }
  return (
    <p className="list-status">
      <button type="button" className="link" onClick={context.loadNewer}>
        Load later messages
      </button>
    </p>
  );
}

// The rows are a list to assistive technology: <ul> and <li> in place of Virtuoso's <div>s.
const List = forwardRef(function List(
  { children, style, "data-testid": testId }: ListProps<HTMLUListElement> & { context?: unknown },
  ref: Ref<HTMLUListElement>,
) {
  return (
    <ul ref={ref} style={style} className="message-rows" data-testid={testId}>
      {children}
    </ul>
  );
});

function Item({ children, style, item: _item, context: _context, ...rest }: ItemProps<Row> & { context?: unknown }) {
  return (
    <li {...(rest as HTMLAttributes<HTMLLIElement>)} style={style}>
      {children}
    </li>
  );
}

const components = { Header, Footer, List, Item } as unknown as Components<Row, ListContext>;
const computeItemKey = (_: number, row: Row) => row.key;
const itemContent = (_: number, row: Row, context: ListContext) => <RowView row={row} context={context} />;

export function MessageList({
  room,
  live,
  me,
  firstUnreadId,
  onAtBottom,
  onTargetMissing,
  ref,
}: {
  room: string;
  live: LiveRoom;
  me: { userId: string; displayName: string } | null;
  firstUnreadId: number | null;
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
  const pending = detached ? NONE : live.outbox.entries;
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
  const lastRowState = `${lastRow?.key}:${lastRow?.kind === "pending" ? lastRow.entry.status : ""}`;
  const lastPreviews = lastRow?.kind === "message" ? live.previews[lastRow.message.id] : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the last row changes shape
  useEffect(() => {
    if (!atBottom.current || detached) return;
    return pinToBottom(scroller.current, PIN_MS);
  }, [lastRowState, lastPreviews]);

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
