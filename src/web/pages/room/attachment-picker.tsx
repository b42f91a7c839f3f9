// Choosing files to attach: from this device (uploaded at once, with progress), or from my files (a dialog
// listing them, newest first; only stored files can be shared). And the chips of what the message carries.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { formatBytes } from "../../lib/format";
import { filesListQuery, loadedFiles } from "../files/file-queries";
import type { Chip } from "./use-attachments";

/** Files a message may carry: stored, whatever their analysis. */
const SHAREABLE = new Set(["stored", "analysing", "ready", "skipped"]);

type Picked = { id: string; name: string; size: number; contentType: string };

export function MyFilesDialog({
  open,
  chosen,
  onPick,
  onClose,
}: {
  open: boolean;
  chosen: Set<string>;
  onPick: (file: Picked) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const files = useInfiniteQuery({ ...filesListQuery, enabled: open, refetchInterval: false });
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
  }, [open]);
  const list = loadedFiles(files.data).filter((f) => SHAREABLE.has(f.status));
  return (
    <dialog
      ref={ref}
      className="my-files-dialog"
      aria-labelledby="my-files-heading"
      onClose={onClose}
      data-testid="my-files"
    >
      <h2 id="my-files-heading">Attach from my files</h2>
      {files.isPending && open && <p className="hint">Loading your files…</p>}
      {files.isError && <p className="error">Your files could not be loaded.</p>}
      {files.isSuccess && list.length === 0 && <p className="hint">You have no files to share yet.</p>}
      <ul className="my-files">
        {list.map((f) => (
          <li key={f.id}>
            <button
              type="button"
              className="quiet"
              aria-pressed={chosen.has(f.id)}
              disabled={chosen.has(f.id)}
              onClick={() => onPick({ id: f.id, name: f.name, size: f.size, contentType: f.contentType })}
            >
              <span className="attachment-name">{f.name}</span> <span className="hint">{formatBytes(f.size)}</span>
              {chosen.has(f.id) && <span className="hint"> · attached</span>}
            </button>
          </li>
        ))}
      </ul>
      {files.hasNextPage && (
        <button type="button" className="link" onClick={() => void files.fetchNextPage()}>
          More files
        </button>
      )}
      <form method="dialog" className="actions">
        <button type="submit">Done</button>
      </form>
    </dialog>
  );
}

export function AttachmentChips({ chips, onRemove }: { chips: Chip[]; onRemove: (key: string) => void }) {
  if (chips.length === 0) return null;
  return (
    <ul className="attachment-chips" aria-label="Files to send">
      {chips.map((c) => (
        <li key={c.key} className={`chip ${c.status}`} data-testid="attachment-chip" data-status={c.status}>
          <span className="attachment-name">{c.name}</span>{" "}
          {c.status === "uploading" ? (
            <progress max={1} value={c.progress} aria-label={`Uploading ${c.name}`} />
          ) : c.status === "failed" ? (
            <span className="error" role="alert">
              {c.error ?? "Upload failed"}
            </span>
          ) : (
            <span className="hint">{formatBytes(c.size)}</span>
          )}
          <button
            type="button"
            className="quiet chip-remove"
            aria-label={`Remove ${c.name}`}
            onClick={() => onRemove(c.key)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
