// A message's link previews, from whatever the room sent: a URL that does not parse (or is not http(s)) renders
// nothing rather than throwing, so one hostile frame cannot take the row, or the page, down.
import type { RoomLinkPreview } from "../../../features/rooms/rooms.schema";

export type MessagePreviews = { url: string; preview: RoomLinkPreview | null }[];

/** Link previews are shown only for links that are well-formed http(s) URLs. */
function previewUrl(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed : null;
  } catch {
    return null;
  }
}

export function LinkPreviews({ previews }: { previews: MessagePreviews }) {
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
