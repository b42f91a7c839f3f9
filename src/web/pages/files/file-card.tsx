// One of my files: name, type, size and status; download and delete (with a confirm step); details on demand.
import { useState } from "react";
import type { FileView } from "../../../features/files/files.schema";
import { ErrorAlert } from "../../components/error-alert";
import { isNotFound, request } from "../../lib/api";
import { formatBytes, formatTime } from "../../lib/format";
import { errorText } from "../../lib/uploader";
import { FileAnalysis } from "./file-analysis";
import { FilePreview } from "./file-preview";
import { ShareLinksPanel } from "./share-links-panel";

const STATUS_TEXT: Record<FileView["status"], string> = {
  uploading: "uploading",
  stored: "queued for analysis",
  analysing: "analysing",
  ready: "ready",
  failed: "failed",
  skipped: "stored (no analysis)",
};

export function FileCard({ file, onDeleted }: { file: FileView; onDeleted: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const unfinished = file.status === "uploading";
  const remove = async () => {
    if (!confirming) {
      setConfirming(true);
      return;
    }
    setDeleting(true);
    try {
      // An upload that never finished is discarded as an upload; anything else is deleted as a file.
      await request(unfinished ? `/api/files/uploads/${file.id}` : `/api/files/${file.id}`, "DELETE");
      onDeleted(file.id);
    } catch (e) {
      if (isNotFound(e)) onDeleted(file.id);
      else setError(errorText(e));
      setDeleting(false);
      setConfirming(false);
    }
  };
  const detailsId = `details-${file.id}`;
  return (
    <li className="card file" data-testid="file" data-name={file.name} data-status={file.status}>
      <div className="row spread wrap">
        <span className="file-name">
          <strong>{file.name}</strong>{" "}
          <span className="hint">
            {file.contentType} · {formatBytes(file.size)} ·{" "}
            <time dateTime={file.createdAt}>{formatTime(file.createdAt)}</time>
          </span>
        </span>
        <span className={`status status-${file.status}`} data-testid="file-status">
          {STATUS_TEXT[file.status]}
        </span>
      </div>
      <div className="row wrap">
        <button type="button" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen(!open)}>
          {open ? "Hide details" : "Details"}
        </button>
        {!unfinished && (
          <a className="button-link" href={`/api/files/${file.id}/content`} download={file.name}>
            Download<span className="sr-only"> {file.name}</span>
          </a>
        )}
        <button
          type="button"
          className={confirming ? "danger" : undefined}
          disabled={deleting}
          onClick={() => void remove()}
          onBlur={() => setConfirming(false)}
        >
          {deleting ? "Deleting…" : confirming ? "Confirm delete" : unfinished ? "Discard upload" : "Delete"}
        </button>
      </div>
      <ErrorAlert text={error} />
      {open && (
        <div className="stack details" id={detailsId} data-testid="file-details">
          <FileAnalysis file={file} />
          <FilePreview file={file} />
          {!unfinished && <ShareLinksPanel file={file} />}
        </div>
      )}
    </li>
  );
}
