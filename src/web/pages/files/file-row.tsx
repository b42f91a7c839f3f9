// One file in the list: a thumbnail (images) or an emblem naming the type, the name (a button that opens the file's
// panel; the whole row is its click target), the type in words, size and date, and the status while it changes.
import { useState } from "react";
import { describeType, formatBytes, formatDateTime, formatShortDate } from "../../lib/format";
import {
  categoryOf,
  contentUrl,
  emblemText,
  type FileView,
  hasContent,
  isRasterImage,
  isTransient,
  STATUS_SHORT,
  STATUS_TEXT,
} from "./file-kinds";

export const THUMB_PX = 44;

function Thumb({ file }: { file: FileView }) {
  const [broken, setBroken] = useState(false);
  if (isRasterImage(file.contentType) && hasContent(file) && !broken) {
    return (
      <img
        className="thumb"
        src={contentUrl(file.id)}
        alt={file.name}
        width={THUMB_PX}
        height={THUMB_PX}
        loading="lazy"
        decoding="async"
        onError={() => setBroken(true)}
      />
    );
  }
  return (
    <span className={`thumb emblem emblem-${categoryOf(file.contentType)}`} aria-hidden="true">
      {emblemText(file.contentType, file.name)}
    </span>
  );
}

/** The DOM id of a file's button, to give it focus back when its panel closes. */
export const fileButtonId = (id: string) => `file-open-${id}`;

export function FileRow({
  file,
  selected,
  onOpen,
}: {
  file: FileView;
  selected: boolean;
  onOpen: (file: FileView) => void;
}) {
  const showStatus = isTransient(file) || file.status === "failed";
  return (
    <li
      className={`file-row${selected ? " selected" : ""}`}
      data-testid="file"
      data-name={file.name}
      data-status={file.status}
    >
      <Thumb file={file} />
      <div className="file-main">
        <button
          type="button"
          id={fileButtonId(file.id)}
          className="file-open"
          aria-current={selected ? "true" : undefined}
          aria-controls={selected ? "file-panel" : undefined}
          title={file.name}
          onClick={() => onOpen(file)}
        >
          <span className="truncate">{file.name}</span>
        </button>
        <span className="file-meta">
          <span>{describeType(file.contentType, file.name)}</span>
          <span aria-hidden="true"> · </span>
          <span>{formatBytes(file.size)}</span>
          <span aria-hidden="true"> · </span>
          <time dateTime={file.createdAt} title={formatDateTime(file.createdAt)}>
            {formatShortDate(file.createdAt)}
          </time>
        </span>
      </div>
      {showStatus && (
        <span className={`status status-${file.status}`} data-testid="file-status" title={STATUS_TEXT[file.status]}>
          {STATUS_SHORT[file.status]}
        </span>
      )}
    </li>
  );
}

/** Placeholder rows while the first page loads: the same shape, so nothing jumps when the files arrive. */
export function FileRowsSkeleton({ rows = 5 }: { rows?: number }) {
  return (
    <div aria-busy="true" className="file-rows-skeleton">
      <span className="sr-only" role="status">
        Loading files…
      </span>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders that never reorder
        <div key={i} className="file-row skeleton-row" aria-hidden="true">
          <span className="thumb skeleton" />
          <div className="file-main">
            <span className="skeleton" style={{ width: `${70 - ((i * 13) % 35)}%` }} />
            <span className="skeleton" style={{ width: "40%", height: "0.75rem" }} />
          </div>
        </div>
      ))}
    </div>
  );
}
