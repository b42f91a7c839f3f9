// One row of a room's message list: a day divider and the "New messages" line where they fall, then the message
// (message-view.tsx), or a message of this user's still on its way: "waiting" (behind a refused one), "sending",
// or "failed" with Retry and Discard. It keeps its place in the sender's order and never vanishes unsent.
import { Boundary } from "../../components/boundary";
import { MessageAvatar } from "../../components/message-avatar";
import { formatDay, formatTime } from "../../lib/format";
import type { OutboxEntry } from "../../lib/room-client";
import type { MessagePreviews } from "./link-previews";
import { MessageText } from "./message-text";
import { type Me, type MessageCommands, MessageView } from "./message-view";
import type { PendingState, Row } from "./rows";

export { buildRows, type Row } from "./rows";

const PENDING_WORDS: Record<PendingState, { meta: string; status: string }> = {
  waiting: { meta: "waiting", status: "Waiting to send…" },
  sending: { meta: "sending", status: "Sending…" },
  sent: { meta: "sent", status: "Sent" },
  failed: { meta: "not sent", status: "Failed." },
};

export function PendingView({
  entry,
  state,
  first,
  me,
  createdAt,
  onRetry,
  onDiscard,
}: {
  entry: OutboxEntry;
  state: PendingState;
  first: boolean;
  me: Me;
  createdAt: string;
  onRetry: () => void;
  onDiscard: (clientMessageId: string) => void;
}) {
  const failed = state === "failed";
  const words = PENDING_WORDS[state];
  return (
    <article
      className={`message pending${first ? " first" : " more"}${failed ? " failed" : ""}`}
      data-testid="pending-message"
      data-status={state}
    >
      {first ? (
        <>
          <MessageAvatar userId={me.userId} name={me.displayName} />
          <p className="message-meta">
            <span className="author">{me.displayName}</span>{" "}
            <time dateTime={createdAt} title={formatTime(createdAt)}>
              {words.meta}
            </time>
          </p>
        </>
      ) : (
        <span className="sr-only">{me.displayName}: </span>
      )}
      <div className="message-body">
        <MessageText text={entry.text} mentions={null} />
        {entry.attachments && entry.attachments.length > 0 && (
          <p className="hint pending-files">
            With {entry.attachments.length} {entry.attachments.length === 1 ? "file" : "files"}
          </p>
        )}
        <p className={`pending-status${failed ? " error" : ""}`} role="status">
          {failed ? (
            <>
              Failed —{" "}
              <button type="button" className="link" onClick={onRetry}>
                Retry
              </button>{" "}
              <button type="button" className="link" onClick={() => onDiscard(entry.clientMessageId)}>
                Discard
              </button>
            </>
          ) : (
            words.status
          )}
        </p>
      </div>
    </article>
  );
}

export interface RowContext {
  room: string;
  now: Date;
  me: Me | null;
  highlightId: number | null;
  focusId: number | null;
  onFocused: () => void;
  previews: Record<number, MessagePreviews>;
  onRetry: () => void;
  onDiscard: (clientMessageId: string) => void;
  commands: MessageCommands;
  editingId: number | null;
  /** Rows of a thread's panel. */
  inThread?: boolean;
}

export function RowView({ row, context }: { row: Row; context: RowContext }) {
  const iso = row.kind === "message" ? row.message.createdAt : row.createdAt;
  return (
    <>
      {row.day && !context.inThread && (
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
            room={context.room}
            message={row.message}
            first={row.first}
            now={context.now}
            me={context.me}
            highlighted={context.highlightId === row.message.id}
            focus={context.focusId === row.message.id}
            onFocused={context.onFocused}
            previews={context.previews[row.message.id]}
            commands={context.commands}
            editing={context.editingId === row.message.id}
            inThread={context.inThread}
          />
        ) : context.me ? (
          <PendingView
            entry={row.entry}
            state={row.state}
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
