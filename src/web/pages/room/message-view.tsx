// One message: its author's avatar, name and time when it starts a group (the time of day in the gutter
// otherwise), the text (Markdown, mentions highlighted) or the editor, "(edited)", attachments, link previews,
// reactions, a thread root's summary, and the actions toolbar; a deleted message is a tombstone.
import { memo, useEffect, useRef } from "react";
import type { ChatMessage } from "../../../features/rooms/rooms.schema";
import { MessageAvatar } from "../../components/message-avatar";
import { formatClock, formatRelative, formatTime } from "../../lib/format";
import { LinkPreviews, type MessagePreviews } from "./link-previews";
import { mentionNames } from "./mentions";
import { MessageActions } from "./message-actions";
import { MessageEditor } from "./message-editor";
import { Attachments, Reactions, ThreadSummary } from "./message-extras";
import { MessageText } from "./message-text";

export type Me = { userId: string; displayName: string };

/** What a message's buttons do (one object for the whole list: rows re-render only when their message changes). */
export interface MessageCommands {
  react(messageId: number, emoji: string, add: boolean): void;
  edit(messageId: number, text: string): boolean;
  remove(messageId: number): void;
  openThread(rootId: number): void;
  /** Whether this user may delete the message: its author, an admin, or a private room's owner. */
  canDelete(message: ChatMessage): boolean;
  setEditing(messageId: number | null): void;
}

export function MessageTime({ iso, now, short }: { iso: string; now: Date; short?: boolean }) {
  return (
    <time dateTime={iso} title={formatTime(iso)} className={short ? "gutter-time" : undefined}>
      {short ? formatClock(iso) : formatRelative(iso, now)}
    </time>
  );
}

export interface MessageViewProps {
  room: string;
  message: ChatMessage;
  first: boolean;
  now: Date;
  me: Me | null;
  highlighted: boolean;
  focus: boolean;
  onFocused: () => void;
  previews: MessagePreviews | undefined;
  commands: MessageCommands;
  editing: boolean;
  /** Shown in a thread's panel: no "reply in thread", no thread summary. */
  inThread?: boolean;
}

export const MessageView = memo(function MessageView({
  room,
  message,
  first,
  now,
  me,
  highlighted,
  focus,
  onFocused,
  previews,
  commands,
  editing,
  inThread,
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
  const deleted = message.deletedAt !== null;
  const mine = me !== null && message.userId === me.userId;
  const mentions = mentionNames(message, mine ? null : me);
  const forMe = mentions !== null && mentions.mine.size > 0;
  const classes = ["message", first ? "first" : "more"];
  if (highlighted) classes.push("highlight");
  if (deleted) classes.push("deleted");
  if (forMe) classes.push("mentions-me");
  return (
    <article
      ref={ref}
      id={inThread ? `t${message.id}` : `m${message.id}`}
      className={classes.join(" ")}
      data-id={message.id}
      tabIndex={-1}
      data-testid="message"
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
        {deleted ? (
          <p className="tombstone" data-testid="tombstone">
            This message was deleted
          </p>
        ) : editing ? (
          <MessageEditor
            text={message.text}
            onSave={(text) => {
              const sent = commands.edit(message.id, text);
              if (sent) commands.setEditing(null);
              return sent;
            }}
            onCancel={() => {
              commands.setEditing(null);
              ref.current?.focus();
            }}
          />
        ) : (
          <>
            <MessageText text={message.text} mentions={mentions} />
            {message.editedAt && (
              <span className="edited hint" title={`Edited ${formatTime(message.editedAt)}`} data-testid="edited">
                (edited)
              </span>
            )}
          </>
        )}
        {!deleted && <Attachments room={room} message={message} />}
        {!deleted && previews && <LinkPreviews previews={previews} />}
        {!deleted && <Reactions message={message} onToggle={(emoji, add) => commands.react(message.id, emoji, add)} />}
        {!inThread && <ThreadSummary message={message} now={now} onOpen={() => commands.openThread(message.id)} />}
      </div>
      {!deleted && !editing && me && (
        <MessageActions
          canEdit={mine}
          canDelete={commands.canDelete(message)}
          canReply={!inThread && message.threadRootId === null}
          onReact={(emoji) => commands.react(message.id, emoji, true)}
          onReply={() => commands.openThread(message.id)}
          onEdit={() => commands.setEditing(message.id)}
          onDelete={() => commands.remove(message.id)}
        />
      )}
    </article>
  );
});
