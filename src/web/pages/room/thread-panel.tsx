// A thread: its root and replies (GET …/threads/{rootId}, page by page, then live from the room's log), with a
// composer of its own that replies in the thread. Beside the messages on a wide screen; full screen with a back
// button on a phone. Replies never show in the main timeline.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef } from "react";
import { type Components, Virtuoso } from "react-virtuoso";
import type { ChatMessage } from "../../../features/rooms/rooms.schema";
import { errorMessage } from "../../api";
import { Composer } from "./composer";
import { type RowContext, RowView } from "./message-row";
import { type Me, type MessageCommands, MessageView } from "./message-view";
import { threadPage } from "./room-api";
import { buildRows, type Row } from "./rows";
import type { LiveRoom } from "./use-live-room";

export const THREAD_COMPOSER_ID = "thread-composer-text";

interface ThreadContext {
  row: RowContext;
  root: ChatMessage | undefined;
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  loadMore: () => void;
}

/** Above the replies: the thread's root (or why it is not there yet). */
function ThreadTop({ context }: { context: ThreadContext }) {
  const { root, row } = context;
  return (
    <>
      {context.loading && !root && <p className="hint list-status">Loading the thread…</p>}
      {context.error && (
        <p className="error list-status" role="alert">
          The thread could not be loaded. {context.error}
        </p>
      )}
      {root && (
        <div className="thread-root">
          <MessageView
            room={row.room}
            message={root}
            first
            now={row.now}
            me={row.me}
            highlighted={false}
            focus={false}
            onFocused={row.onFocused}
            previews={row.previews[root.id]}
            commands={row.commands}
            editing={row.editingId === root.id}
            inThread
          />
          <p className="thread-count hint">
            {root.replyCount} {root.replyCount === 1 ? "reply" : "replies"}
          </p>
        </div>
      )}
    </>
  );
}

function ThreadEnd({ context }: { context: ThreadContext }) {
  if (!context.hasMore) return <div className="list-end" />;
  return (
    <p className="list-status">
      <button type="button" className="link" onClick={context.loadMore}>
        Load more replies
      </button>
    </p>
  );
}

const components: Components<Row, ThreadContext> = { Header: ThreadTop, Footer: ThreadEnd };

export function ThreadPanel({
  room,
  rootId,
  live,
  me,
  commands,
  editingId,
  now,
  onClose,
}: {
  room: string;
  rootId: number;
  live: LiveRoom;
  me: Me | null;
  commands: MessageCommands;
  editingId: number | null;
  now: Date;
  onClose: () => void;
}) {
  const page = useInfiniteQuery({
    queryKey: ["room", room, "thread", rootId],
    queryFn: ({ pageParam }) => threadPage(room, rootId, pageParam ?? undefined),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextAfter,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
  });
  const { ingest, log, logVersion } = live;
  useEffect(() => {
    if (!page.data) return;
    const last = page.data.pages.at(-1);
    if (last) ingest([last.root, ...last.replies]);
  }, [page.data, ingest]);

  // Opened at a reply (a link to it), the thread is its root's.
  const threadRoot = page.data?.pages[0]?.root.id ?? rootId;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the log changes in place; logVersion says when
  const { root, replies } = useMemo(
    () => ({ root: log.messages.get(threadRoot) ?? page.data?.pages[0]?.root, replies: log.thread(threadRoot) }),
    [log, threadRoot, logVersion, page.data],
  );
  const pendingSince = useRef(new Map<string, string>());
  const pending = live.outbox.entries.filter((e) => e.threadRootId === threadRoot);
  for (const e of pending)
    if (!pendingSince.current.has(e.clientMessageId))
      pendingSince.current.set(e.clientMessageId, new Date().toISOString());
  const rows = buildRows(replies, pending, me, null, pendingSince.current);

  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);

  const rowContext: RowContext = {
    room,
    now,
    me,
    highlightId: null,
    focusId: null,
    onFocused: () => {},
    previews: live.previews,
    onRetry: live.retry,
    onDiscard: live.discard,
    commands,
    editingId,
    inThread: true,
  };
  const context: ThreadContext = {
    row: rowContext,
    root,
    loading: page.isPending,
    error: page.isError ? errorMessage(page.error) : null,
    hasMore: page.hasNextPage,
    loadMore: () => void page.fetchNextPage(),
  };
  const deleted = root?.deletedAt != null;
  return (
    <section
      className="thread-panel"
      aria-labelledby="thread-heading"
      data-testid="thread-panel"
      // Escape leaves the thread (the editor, the emoji picker and the suggestions keep their own Escape).
      onKeyDown={(event) => {
        if (event.key !== "Escape" || event.defaultPrevented) return;
        if (event.target instanceof Element && event.target.closest("dialog")) return;
        onClose();
      }}
    >
      <header className="thread-header">
        <button type="button" className="quiet thread-back" onClick={onClose} aria-label="Back to the room">
          ←
        </button>
        <h2 id="thread-heading" ref={heading} tabIndex={-1}>
          Thread
        </h2>
        <button type="button" className="quiet thread-close" onClick={onClose} aria-label="Close thread">
          ×
        </button>
      </header>
      <div className="thread-messages">
        <Virtuoso<Row, ThreadContext>
          style={{ height: "100%" }}
          aria-label="Replies"
          data={rows}
          context={context}
          components={components}
          computeItemKey={(_, row) => row.key}
          itemContent={(_, row, c) => <RowView row={row} context={c.row} />}
          // My reply on its way is always brought into view; others' while at the bottom.
          followOutput={(atBottom) => (rows.at(-1)?.kind === "pending" || atBottom ? "auto" : false)}
        />
      </div>
      {deleted ? (
        <p className="hint">This thread's first message was deleted: no more replies.</p>
      ) : (
        <Composer
          room={room}
          id={THREAD_COMPOSER_ID}
          label="Reply in thread"
          placeholder="Reply…"
          onSend={(text, attachments) => live.send(text, { threadRootId: threadRoot, attachments })}
          onTyping={live.typed}
        />
      )}
    </section>
  );
}
