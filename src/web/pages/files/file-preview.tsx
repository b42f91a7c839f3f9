// A stored file's preview: the image itself, or the first 2 KB of a text file (fetched as a byte range).
import { useEffect, useState } from "react";
import type { FileView } from "../../../features/files/files.schema";
import { formatBytes } from "../../lib/format";

const TEXT_PREVIEW_TYPES = new Set(["text/plain", "text/markdown", "text/csv", "application/json"]);
const PREVIEW_BYTES = 2_048;

export function FilePreview({ file }: { file: FileView }) {
  const [text, setText] = useState<string | null>(null);
  const available = file.status !== "uploading";
  const isText = TEXT_PREVIEW_TYPES.has(file.contentType);
  useEffect(() => {
    if (!isText || !available) return;
    const controller = new AbortController();
    fetch(`/api/files/${file.id}/content`, {
      headers: { Range: `bytes=0-${PREVIEW_BYTES - 1}` },
      credentials: "same-origin",
      signal: controller.signal,
    })
      .then((res) => (res.ok ? res.text() : null))
      .then(setText)
      .catch(() => {});
    return () => controller.abort();
  }, [file.id, isText, available]);
  if (!available) return null;
  if (file.contentType.startsWith("image/") && file.contentType !== "image/svg+xml") {
    return <img className="preview" src={`/api/files/${file.id}/content`} alt={`Preview of ${file.name}`} />;
  }
  if (isText && text !== null) {
    return (
      <figure className="stack">
        <pre className="preview">{text}</pre>
        {file.size > PREVIEW_BYTES && (
          <figcaption className="hint">
            The first {formatBytes(PREVIEW_BYTES)} of {formatBytes(file.size)}.
          </figcaption>
        )}
      </figure>
    );
  }
  return null;
}
