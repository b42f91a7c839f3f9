// One row of a room's message list: a day divider and the "New messages" line where they fall, then the message
// (with its author's avatar, name and time when it starts a group) and its link previews; or a message of this
// user's that is still on its way ("Sending…", or "Not sent" with Retry and Discard).
import { memo, useEffect, useRef } from "react";
import type { ChatMessage, RoomLinkPreview } from "../../../features/rooms/rooms.schema";
import { Boundary } from "../../components/boundary";
import { MessageAvatar } from "../../components/message-avatar";
import { MessageMarkdown } from "../../components/message-markdown";
import { formatClock, formatDay, formatRelative, formatTime } from "../../lib/format";
import type { OutboxEntry } from "../../lib/room-client";

/** Consecutive messages by one author closer than this share one header. */
const GROUP_MS = 5 * 60_000;

export type Row =
  | { kind: "message"; key: string; message: ChatMessage; first: boolean; day: boolean; unreadStart: boolean }
  | { kind: "pending"; key: string; entry: OutboxEntry; first: boolean; day: boolean; createdAt: string };

interface Author {
  userId: string;
  displayName: string;
  createdAt: string;
}

/** When a message was written, and its day, worked out once per message (a list holds thousands). */
const times = new WeakMap<object, { ms: number; day: string }>();
function timeOf(author: Author): { ms: number; day: string } {
  const known = times.get(author);
  if (known) return known;
  const date = new Date(author.createdAt);
  const time = { ms: date.getTime(), day: date.toDateString() };
  times.set(author, time);
  return time;
}

/** Whether `next` continues `previous`'s group: same author, same day, within five minutes. */
function continues(previous: Author | undefined, next: Author): boolean {
  if (!previous || previous.userId !== next.userId) return false;
  const a = timeOf(previous);
  const b = timeOf(next);
  return b.ms - a.ms < GROUP_MS && a.day === b.day;
}

const newDay = (previous: Author | undefined, next: Author) => !previous || timeOf(previous).day !== timeOf(next).day;

/** The list's rows: messages, then this user's messages still on their way, with grouping and dividers worked out. */
export function buildRows(
  messages: ChatMessage[],
  pending: OutboxEntry[],
  me: { userId: string; displayName: string } | null,
  firstUnreadId: number | null,
  pendingSince: Map<string, string>,
): Row[] {
  const rows: Row[] = [];
  let previous: Author | undefined;
  // The "New messages" line goes above the first unread message, if what is loaded reaches back that far. What I
  // wrote myself (on another device) is not news to me: it goes above the first message of someone else.
  const first = messages[0];
  let unreadMarked = first === undefined || firstUnreadId === null || first.id > firstUnreadId;
  for (const message of messages) {
    const mine = me !== null && message.userId === me.userId;
    const unreadStart = !unreadMarked && !mine && message.id >= (firstUnreadId ?? Number.POSITIVE_INFINITY);
    if (unreadStart) unreadMarked = true;
    rows.push({
      kind: "message",
      key: `m${message.id}`,
      message,
      first: unreadStart || !continues(previous, message),
      day: newDay(previous, message),
      unreadStart,
    });
    previous = message;
  }
  if (me) {
    for (const entry of pending) {
      const createdAt = pendingSince.get(entry.clientMessageId) ?? new Date().toISOString();
      const author = { ...me, createdAt };
      rows.push({
        kind: "pending",
        key: `p${entry.clientMessageId}`,
        entry,
        first: !continues(previous, author),
        day: newDay(previous, author),
        createdAt,
      });
      previous = author;
    }
  }
  return rows;
}

function MessageTime({ iso, now, short }: { iso: string; now: Date; short?: boolean }) {
  return (
    <time dateTime={iso} title={formatTime(iso)} className={short ? "gutter-time" : undefined}>
      {short ? formatClock(iso) : formatRelative(iso, now)}
    </time>
  );
}

/** Link previews are shown only for links that are well-formed http(s) URLs. */
function previewUrl(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed : null;
  } catch {
    return null;
  }
}

function LinkPreviews({ previews }: { previews: { url: string; preview: RoomLinkPreview | null }[] }) {
  return (
    <>
      {previews.map(({ url, preview }) => {
        const parsed = previewUrl(url);
        if (!parsed) return null;
        return preview ? (
          <a
            key={url}
            className="link-preview"
            href={parsed.href}
            target="_blank"
            rel="noopener noreferrer nofollow"
            data-testid="link-preview"
          >
            <strong>{preview.title ?? preview.siteName ?? parsed.hostname}</strong>
            {preview.description && <span>{preview.description}</span>}
            <span className="hint">{preview.siteName ?? parsed.hostname}</span>
          </a>
        ) : (
          <span key={url} className="hint link-preview none" data-testid="no-preview">
            No preview for {parsed.hostname}
          </span>
        );
      })}
    </>
  );
}

interface MessageViewProps {
  message: ChatMessage;
  first: boolean;
  now: Date;
  highlighted: boolean;
  focus: boolean;
  onFocused: () => void;
  previews: { url: string; preview: RoomLinkPreview | null }[] | undefined;
}

const MessageView = memo(function MessageView({
  message,
  first,
  now,
  highlighted,
  focus,
  onFocused,
  previews,
}: MessageViewProps) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!focus) return;
    // The list shows its rows only once it has scrolled to them: try on the next frames until the focus holds.
    let frame = 0;
    let tries = 0;
    const attempt = () => {
      ref.current?.focus({ preventScroll: true });
      if (document.activeElement === ref.current || ++tries > 30) onFocused();
      else frame = requestAnimationFrame(attempt);
    };
    attempt();
    return () => cancelAnimationFrame(frame);
  }, [focus, onFocused]);
  return (
    <article
      ref={ref}
      id={`m${message.id}`}
      className={`message${first ? " first" : " more"}${highlighted ? " highlight" : ""}`}
      data-id={message.id}
      tabIndex={-1}
    >
      {first ? (
        <>
          <MessageAvatar userId={message.userId} name={message.displayName} />
          <p className="message-meta">
            <span className="author">{message.displayName}</span> <MessageTime iso={message.createdAt} now={now} />
          </p>
        </>
      ) : (
        <>
          <MessageTime iso={message.createdAt} now={now} short />
          <span className="sr-only">{message.displayName}: </span>
        </>
      )}
      <div className="message-body">
        <MessageMarkdown text={message.text} />
        {previews && <LinkPreviews previews={previews} />}
      </div>
    </article>
  );
});

function PendingView({
  entry,
  first,
  me,
  createdAt,
  onRetry,
  onDiscard,
}: {
  entry: OutboxEntry;
  first: boolean;
  me: { userId: string; displayName: string };
  createdAt: string;
  onRetry: () => void;
  onDiscard: (clientMessageId: string) => void;
}) {
  const failed = entry.status === "failed";
  return (
    <article
      className={`message pending${first ? " first" : " more"}${failed ? " failed" : ""}`}
      data-testid="pending-message"
      data-status={entry.status}
    >
      {first ? (
        <>
          <MessageAvatar userId={me.userId} name={me.displayName} />
          <p className="message-meta">
            <span className="author">{me.displayName}</span>{" "}
            <time dateTime={createdAt} title={formatTime(createdAt)}>
              {failed ? "not sent" : "sending"}
            </time>
          </p>
        </>
      ) : (
        <span className="sr-only">{me.displayName}: </span>
      )}
      <div className="message-body">
        <MessageMarkdown text={entry.text} />
        <p className={`pending-status${failed ? " error" : ""}`} role="status">
          {failed ? (
            <>
              Not sent.{" "}
              <button type="button" className="link" onClick={onRetry}>
                Retry
              </button>{" "}
              <button type="button" className="link" onClick={() => onDiscard(entry.clientMessageId)}>
                Discard
              </button>
            </>
          ) : (
            "Sending…"
          )}
        </p>
      </div>
    </article>
  );
}

export interface RowContext {
  now: Date;
  me: { userId: string; displayName: string } | null;
  highlightId: number | null;
  focusId: number | null;
  onFocused: () => void;
  previews: Record<number, { url: string; preview: RoomLinkPreview | null }[]>;
  onRetry: () => void;
  onDiscard: (clientMessageId: string) => void;
}

export function RowView({ row, context }: { row: Row; context: RowContext }) {
  const iso = row.kind === "message" ? row.message.createdAt : row.createdAt;
  return (
    <>
      {row.day && (
        <p className="day-divider">
          <span>{formatDay(iso, context.now)}</span>
        </p>
      )}
      {row.kind === "message" && row.unreadStart && (
        <p className="new-divider" data-testid="new-messages">
          <span>New messages</span>
        </p>
      )}
      <Boundary what="This message">
        {row.kind === "message" ? (
          <MessageView
            message={row.message}
            first={row.first}
            now={context.now}
            highlighted={context.highlightId === row.message.id}
            focus={context.focusId === row.message.id}
            onFocused={context.onFocused}
            previews={context.previews[row.message.id]}
          />
        ) : context.me ? (
          <PendingView
            entry={row.entry}
            first={row.first}
            me={context.me}
            createdAt={row.createdAt}
            onRetry={context.onRetry}
            onDiscard={context.onDiscard}
          />
        ) : null}
      </Boundary>
    </>
  );
}
