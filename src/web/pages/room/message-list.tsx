// A room's messages, oldest first, each with its link previews; a button loads earlier history while there is some.
import type { ChatMessage, RoomLinkPreview } from "../../../features/rooms/rooms.schema";

/** The previews of the links in each message, by message id. */
export type Previews = Record<number, { url: string; preview: RoomLinkPreview | null }[]>;

export function MessageList({
  room,
  messages,
  previews,
  olderBefore,
  onLoadOlder,
}: {
  room: string;
  messages: ChatMessage[];
  previews: Previews;
  olderBefore: number | null | undefined;
  onLoadOlder: () => void;
}) {
  return (
    <div className="messages" aria-live="polite" data-testid="messages">
      {olderBefore ? (
        <button type="button" className="link" onClick={onLoadOlder}>
          Load earlier messages
        </button>
      ) : (
        messages.length > 0 && <p className="hint">This is the beginning of #{room}.</p>
      )}
      {messages.map((m) => (
        <p key={m.id} className="message">
          <strong>{m.displayName}</strong>{" "}
          <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleTimeString()}</time>
          <br />
          {m.text}
          {previews[m.id]?.map(({ url, preview }) =>
            preview ? (
              <a
                key={url}
                className="link-preview"
                href={url}
                target="_blank"
                rel="noopener noreferrer nofollow"
                data-testid="link-preview"
              >
                <strong>{preview.title ?? preview.siteName ?? url}</strong>
                {preview.description && <span>{preview.description}</span>}
                <span className="hint">{preview.siteName ?? new URL(url).hostname}</span>
              </a>
            ) : (
              <span key={url} className="hint link-preview none" data-testid="no-preview">
                No preview for {new URL(url).hostname}
              </span>
            ),
          )}
        </p>
      ))}
    </div>
  );
}
