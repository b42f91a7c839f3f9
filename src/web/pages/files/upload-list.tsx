// The uploads of this visit, newest first: a progress bar each, with Cancel, Resume (or Try again) and Dismiss.
import { ErrorAlert } from "../../components/error-alert";
import { formatBytes } from "../../lib/format";
import type { Transfer } from "./use-transfers";

function TransferRow({
  transfer: t,
  onCancel,
  onRetry,
  onDismiss,
}: {
  transfer: Transfer;
  onCancel: () => void;
  onRetry: () => void;
  onDismiss: () => void;
}) {
  const percent = t.file.size === 0 ? 100 : Math.min(100, Math.floor((t.sent / t.file.size) * 100));
  const stateText = { uploading: `${percent} %`, done: "uploaded", failed: "failed", cancelled: "cancelled" }[t.state];
  return (
    <li className="card" data-testid="transfer" data-state={t.state}>
      <div className="row spread wrap">
        <span className="file-name">
          {t.file.name} <span className="hint">{formatBytes(t.file.size)}</span>
        </span>
        <span data-testid="transfer-state">{stateText}</span>
      </div>
      <progress
        max={100}
        value={percent}
        aria-label={`Upload of ${t.file.name}`}
        aria-valuetext={`${percent} % of ${formatBytes(t.file.size)}`}
      />
      <ErrorAlert text={t.error} />
      <div className="row wrap">
        {t.state === "uploading" && (
          <button type="button" onClick={onCancel}>
            Cancel<span className="sr-only"> upload of {t.file.name}</span>
          </button>
        )}
        {t.state === "failed" && (
          <button type="button" onClick={onRetry}>
            {t.uploadId ? "Resume" : "Try again"}
            <span className="sr-only"> upload of {t.file.name}</span>
          </button>
        )}
        {t.state !== "uploading" && (
          <button type="button" className="quiet" onClick={onDismiss}>
            Dismiss<span className="sr-only"> {t.file.name}</span>
          </button>
        )}
      </div>
    </li>
  );
}

export function UploadList({
  transfers,
  onRetry,
  onDismiss,
}: {
  transfers: Transfer[];
  onRetry: (transfer: Transfer) => void;
  onDismiss: (transfer: Transfer) => void;
}) {
  if (transfers.length === 0) return null;
  return (
    <section aria-labelledby="transfers-heading">
      <h2 id="transfers-heading" className="sr-only">
        Uploads
      </h2>
      <ul className="list" aria-label="Uploads">
        {transfers.map((t) => (
          <TransferRow
            key={t.key}
            transfer={t}
            onCancel={() => t.controller?.abort()}
            onRetry={() => onRetry(t)}
            onDismiss={() => onDismiss(t)}
          />
        ))}
      </ul>
    </section>
  );
}
