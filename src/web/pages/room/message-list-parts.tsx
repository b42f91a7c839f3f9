// The message list's pieces that are not the list itself: its header and footer (loading earlier or later pages,
// the room's beginning), <ul>/<li> in place of Virtuoso's <div>s, keeping a scroller at its bottom while rows are
// measured, and the current time for "2 min ago".
import { forwardRef, type HTMLAttributes, type Ref, useEffect, useState } from "react";
import type { Components, ItemProps, ListProps } from "react-virtuoso";
import { type RowContext, RowView } from "./message-row";
import type { Row } from "./rows";
import type { PageStatus } from "./use-live-room";

export interface ListContext extends RowContext {
  older: PageStatus;
  newer: PageStatus;
  hasOlder: boolean;
  detached: boolean;
  empty: boolean;
  loadOlder: () => void;
  loadNewer: () => void;
}

/** This close to the bottom (px) counts as at the bottom: new messages are followed. */
export const AT_BOTTOM_PX = 80;
/** How long the list is kept at its bottom after its last row changes. */
export const PIN_MS = 600;
/** What a reader does to scroll: any of these ends a hold on the list's position. */
export const READER_EVENTS = ["wheel", "touchstart", "keydown", "mousedown"] as const;

/** Keeps `el` scrolled to its very bottom for `ms`, unless the reader scrolls meanwhile; answers the cancel. */
export function pinToBottom(el: HTMLElement | null, ms: number): () => void {
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

/** The current time, for "2 min ago", refreshed every half minute. */
export function useNow(everyMs = 30_000): Date {
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

export const components = { Header, Footer, List, Item } as unknown as Components<Row, ListContext>;
export const computeItemKey = (_: number, row: Row) => row.key;
export const itemContent = (_: number, row: Row, context: ListContext) => <RowView row={row} context={context} />;
