// The inbox: mentions of me, @room in rooms I am in, and replies in threads I took part in, newest first, a page at
// a time as the list scrolls (react-virtuoso over the window). Unread entries stand out; opening one marks it
// read and opens the room at that message (a reply: the room with its thread open). "Mark all read", and a
// button to allow browser notifications (asked only when pressed, never on load).
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState, useSyncExternalStore } from "react";
import { Link } from "react-router";
import { Virtuoso } from "react-virtuoso";
import type { InboxEntry, InboxKind } from "../../features/inbox/inbox.schema";
import { errorMessage } from "../api";
import { ErrorAlert } from "../components/error-alert";
import { MessageAvatar } from "../components/message-avatar";
import { formatShortDate, formatTime } from "../lib/format";
import { messageLink } from "../lib/message-link";
import { inboxQuery } from "../lib/queries";
import { useInbox } from "../shell/inbox";
import { PageSkeleton } from "../shell/skeleton";

const KIND_TEXT: Record<InboxKind, string> = {
  mention: "mentioned you",
  "room-mention": "mentioned @room",
  reply: "replied in a thread",
};

type Permission = NotificationPermission | "unsupported";

function readPermission(): Permission {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

/** Notification.permission has no change event everywhere: the button's own answer updates it. */
function useNotificationPermission(): [Permission, () => Promise<void>] {
  const [asked, setAsked] = useState(0);
  const permission = useSyncExternalStore(
    (change) => {
      // Chromium reports changes made in the site settings through the Permissions API.
      let status: PermissionStatus | null = null;
      void navigator.permissions
        ?.query({ name: "notifications" })
        .then((s) => {
          status = s;
          s.addEventListener("change", change);
        })
        .catch(() => {});
      return () => status?.removeEventListener("change", change);
    },
    readPermission,
    () => "unsupported" as Permission,
  );
  const ask = async () => {
    if (typeof Notification === "undefined") return;
    await Notification.requestPermission();
    setAsked(asked + 1);
  };
  return [permission, ask];
}

function NotificationsControl() {
  const [permission, ask] = useNotificationPermission();
  if (permission === "unsupported") return null;
  if (permission === "granted") {
    return <p className="hint">Notifications are on: a new entry shows one while Outpost is in the background.</p>;
  }
  if (permission === "denied") {
    return <p className="hint">Notifications are blocked for this site; allow them in the browser's site settings.</p>;
  }
  return (
    <button type="button" onClick={() => void ask()}>
      Turn on notifications
    </button>
  );
}

function EntryRow({ entry, onOpen }: { entry: InboxEntry; onOpen: (entry: InboxEntry) => void }) {
  return (
    <Link
      to={messageLink(entry.room, entry.messageId)}
      className={`inbox-entry${entry.read ? "" : " unread"}`}
      data-testid="inbox-entry"
      data-read={entry.read}
      onClick={() => onOpen(entry)}
    >
      <MessageAvatar userId={entry.from.userId} name={entry.from.displayName} />
      <span className="inbox-entry-body">
        <span className="inbox-entry-meta">
          <span className="inbox-entry-what">
            <strong>{entry.from.displayName}</strong> {KIND_TEXT[entry.kind]} in <strong>#{entry.room}</strong>
          </span>
          <time className="hint" dateTime={entry.createdAt} title={formatTime(entry.createdAt)}>
            {formatShortDate(entry.createdAt)}
          </time>
        </span>
        <span className="inbox-excerpt">{entry.excerpt}</span>
      </span>
      {!entry.read && <span className="sr-only">(unread)</span>}
    </Link>
  );
}

interface FooterContext {
  loading: boolean;
  error: unknown;
  retry: () => void;
}

/** Under the list: the next page on its way, or why it failed. */
function InboxFooter({ context }: { context?: FooterContext }) {
  if (context?.loading) return <p className="hint inbox-footer">Loading earlier entries…</p>;
  if (!context?.error) return null;
  return (
    <div className="inbox-footer">
      <ErrorAlert text={errorMessage(context.error)} />
      <button type="button" onClick={context.retry}>
        Retry
      </button>
    </div>
  );
}

export function InboxPage() {
  const inbox = useInfiniteQuery(inboxQuery);
  const { unread, markRead } = useInbox();
  const [markError, setMarkError] = useState<string | null>(null);
  const entries = inbox.data?.pages.flatMap((page) => page.entries) ?? [];

  const mark = async (body: { ids: number[] } | { all: true }) => {
    setMarkError(null);
    try {
      await markRead(body);
    } catch (e) {
      setMarkError(`Could not mark ${"all" in body ? "the inbox" : "it"} read. ${errorMessage(e)}`);
    }
  };

  return (
    <div className="inbox-page">
      <div className="row wrap spread inbox-head">
        <h1>Inbox</h1>
        <div className="row wrap">
          <NotificationsControl />
          <button type="button" onClick={() => void mark({ all: true })} disabled={unread === 0}>
            Mark all read
          </button>
        </div>
      </div>
      <p className="hint" aria-live="polite">
        {unread > 0 ? `${unread} unread.` : "All caught up."} Mentions of you, @room, and replies in your threads.
      </p>
      <ErrorAlert text={markError} />
      {inbox.isPending && <PageSkeleton lines={5} />}
      {inbox.isError && (
        <div className="card" role="alert">
          <ErrorAlert text={`The inbox could not be loaded. ${errorMessage(inbox.error)}`} />
          <button type="button" onClick={() => void inbox.refetch()}>
            Try again
          </button>
        </div>
      )}
      {inbox.data && entries.length === 0 && (
        <p className="empty">
          <strong>Nothing here yet</strong>
          When someone mentions you or replies in your thread, it shows here.
        </p>
      )}
      {entries.length > 0 && (
        <Virtuoso
          useWindowScroll
          data={entries}
          computeItemKey={(_, entry) => entry.id}
          endReached={() => {
            if (inbox.hasNextPage && !inbox.isFetchingNextPage) void inbox.fetchNextPage();
          }}
          itemContent={(_, entry) => (
            <EntryRow entry={entry} onOpen={(e) => (e.read ? undefined : void mark({ ids: [e.id] }))} />
          )}
          context={{
            loading: inbox.isFetchingNextPage,
            error: inbox.isFetchNextPageError ? inbox.error : null,
            retry: () => void inbox.fetchNextPage(),
          }}
          components={{ Footer: InboxFooter }}
        />
      )}
    </div>
  );
}
