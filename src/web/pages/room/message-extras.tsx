// What hangs under a message's text: its attachments (images as lazy thumbnails opening full size, other files as
// a chip with name and size), its reactions (counts, mine highlighted, a click toggles mine, the title says who),
// and a thread root's summary ("3 replies · last reply 5 min ago", with the last repliers).
import type { ChatMessage, MessageAttachment, Reaction } from "../../../features/rooms/rooms.schema";
import { MessageAvatar } from "../../components/message-avatar";
import { formatBytes, formatRelative, formatTime } from "../../lib/format";
import { FileIcon } from "./icons";

/** Types the attachment route serves inline (and a browser shows as an image). */
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

export function isImage(attachment: Pick<MessageAttachment, "contentType">): boolean {
  return IMAGE_TYPES.has(attachment.contentType);
}

/** Where a message's attachment is served to the room's members (a grant tied to the message). */
export function attachmentUrl(room: string, messageId: number, fileId: string): string {
  return `/api/rooms/${encodeURIComponent(room)}/messages/${messageId}/attachments/${encodeURIComponent(fileId)}`;
}

export function Attachments({ room, message }: { room: string; message: ChatMessage }) {
  if (message.attachments.length === 0) return null;
  return (
    <ul className="attachments" aria-label="Attachments">
      {message.attachments.map((a) => {
        const url = attachmentUrl(room, message.id, a.fileId);
        return (
          <li key={a.fileId}>
            {isImage(a) ? (
              <a
                href={url}
                target="_blank"
                rel="noopener"
                className="attachment-image"
                title={`${a.name} (open full size)`}
              >
                <img src={url} alt={a.name} loading="lazy" decoding="async" data-testid="attachment-image" />
              </a>
            ) : (
              <a href={url} target="_blank" rel="noopener" className="attachment-file" data-testid="attachment-file">
                <FileIcon /> <span className="attachment-name">{a.name}</span>{" "}
                <span className="hint">{formatBytes(a.size)}</span>
              </a>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** "Ada, Bob and 3 others reacted with 👍". */
export function reactionTitle(reaction: Reaction): string {
  const names = reaction.users.map((u) => u.displayName);
  const others = reaction.count - names.length;
  let who: string;
  if (others > 0) who = `${names.join(", ")} and ${others} other${others === 1 ? "" : "s"}`;
  else if (names.length <= 1) who = names[0] ?? "Someone";
  else who = `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return `${who} reacted with ${reaction.emoji}`;
}

export function Reactions({
  message,
  onToggle,
}: {
  message: ChatMessage;
  onToggle: (emoji: string, add: boolean) => void;
}) {
  if (message.reactions.length === 0) return null;
  return (
    <ul className="reactions" aria-label="Reactions">
      {message.reactions.map((r) => (
        <li key={r.emoji}>
          <button
            type="button"
            className={r.mine ? "reaction mine" : "reaction"}
            aria-pressed={r.mine}
            title={reactionTitle(r)}
            onClick={() => onToggle(r.emoji, !r.mine)}
            data-testid="reaction"
          >
            {r.emoji} {r.count}
            <span className="sr-only">: {reactionTitle(r)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

export function ThreadSummary({ message, now, onOpen }: { message: ChatMessage; now: Date; onOpen: () => void }) {
  if (message.replyCount === 0) return null;
  const count = `${message.replyCount} ${message.replyCount === 1 ? "reply" : "replies"}`;
  return (
    <button type="button" className="thread-summary" onClick={onOpen} data-testid="thread-summary">
      <span className="repliers" aria-hidden="true">
        {message.repliers.map((r) => (
          <MessageAvatar key={r.userId} userId={r.userId} name={r.displayName} />
        ))}
      </span>
      <span className="thread-count">{count}</span>
      {message.lastReplyAt && (
        <span className="hint" title={formatTime(message.lastReplyAt)}>
          {" "}
          · last reply {formatRelative(message.lastReplyAt, now)}
        </span>
      )}
      {message.repliers.length > 0 && (
        <span className="sr-only"> from {message.repliers.map((r) => r.displayName).join(", ")}</span>
      )}
    </button>
  );
}
