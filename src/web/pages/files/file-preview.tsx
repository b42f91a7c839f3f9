// A stored file's preview: the image itself, a player for audio and video the browser plays, or the first 2 KB of
// a text file (fetched as a byte range). Nothing for the rest (PDFs and archives are downloaded, never shown inline).
import { useQuery } from "@tanstack/react-query";
import { formatBytes } from "../../lib/format";
import { contentUrl, type FileView, hasContent, hasTextPreview, isPlayable, isRasterImage } from "./file-kinds";
import { PREVIEW_BYTES, previewQuery } from "./file-queries";

function TextPreview({ file }: { file: FileView }) {
  const preview = useQuery(previewQuery(file.id));
  if (preview.isPending) {
    return (
      <div aria-busy="true">
        <span className="sr-only">Loading the preview…</span>
        <span className="skeleton preview-skeleton" aria-hidden="true" />
      </div>
    );
  }
  if (preview.data == null) return null;
  return (
    <figure className="preview-figure">
      {/* A scrolling region must be reachable by keyboard to be scrolled by it (axe: scrollable-region-focusable). */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: see above */}
      <section className="preview-text" tabIndex={0} aria-label={`Beginning of ${file.name}`}>
        <pre>{preview.data}</pre>
      </section>
      {file.size > PREVIEW_BYTES && (
        <figcaption className="hint">
          The first {formatBytes(PREVIEW_BYTES)} of {formatBytes(file.size)}.
        </figcaption>
      )}
    </figure>
  );
}

export function FilePreview({ file }: { file: FileView }) {
  if (!hasContent(file)) return null;
  const src = contentUrl(file.id);
  if (isRasterImage(file.contentType)) {
    const size = file.analysis?.kind === "image" ? file.analysis : null;
    return (
      <img
        className="preview-image"
        src={src}
        alt={`Preview of ${file.name}`}
        width={size?.width}
        height={size?.height}
        decoding="async"
      />
    );
  }
  if (isPlayable(file.contentType)) {
    return file.contentType.startsWith("audio/") ? (
      // biome-ignore lint/a11y/useMediaCaption: people's own recordings come without captions
      <audio className="preview-media" controls preload="none" src={src} aria-label={`Play ${file.name}`} />
    ) : (
      // biome-ignore lint/a11y/useMediaCaption: people's own recordings come without captions
      <video className="preview-media" controls preload="metadata" src={src} aria-label={`Play ${file.name}`} />
    );
  }
  if (hasTextPreview(file.contentType)) return <TextPreview file={file} />;
  return null;
}
