// The uploads of this visit, newest first: a progress bar each, with Cancel; a finished one says "Done" and clears
// itself after a few seconds; a failed or cancelled one stays, with Retry and Dismiss.
import { ErrorAlert } from "../../components/error-alert";
import { formatBytes } from "../../lib/format";
import { cancelTransfer, dismissTransfer, retryTransfer, type Transfer } from "./transfers";

const STATE_TEXT: Record<Exclude<Transfer["state"], "uploading">, string> = {
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

function TransferCard({ transfer: t }: { transfer: Transfer }) {
  const percent = t.file.size === 0 ? 100 : Math.min(100, Math.floor((t.sent / t.file.size) * 100));
  const stateText = t.state === "uploading" ? `${percent} %` : STATE_TEXT[t.state];
  return (
    <li className={`transfer transfer-${t.state}`} data-testid="transfer" data-state={t.state}>
      <div className="transfer-head">
        <span className="truncate transfer-name">{t.file.name}</span>
        <span className="hint transfer-size">{formatBytes(t.file.size)}</span>
        <span className="transfer-state" data-testid="transfer-state">
          {t.state === "done" && <span aria-hidden="true">✓ </span>}
          {stateText}
        </span>
      </div>
      <progress
        max={100}
        value={percent}
        aria-label={`Upload of ${t.file.name}`}
        aria-valuetext={`${percent} % of ${formatBytes(t.file.size)}`}
      />
      <ErrorAlert text={t.error} />
      {t.state !== "done" && (
        <div className="row wrap transfer-actions">
          {t.state === "uploading" ? (
            <button type="button" className="small quiet" onClick={() => cancelTransfer(t.key)}>
              Cancel<span className="sr-only"> upload of {t.file.name}</span>
            </button>
          ) : (
            <>
              {t.retryable !== false && (
                <button type="button" className="small" onClick={() => retryTransfer(t.key)}>
                  Retry<span className="sr-only"> upload of {t.file.name}</span>
                </button>
              )}
              <button type="button" className="small quiet" onClick={() => dismissTransfer(t.key)}>
                Dismiss<span className="sr-only"> {t.file.name}</span>
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}

/** What screen readers hear as uploads end: the latest one's outcome. */
function announcement(transfers: Transfer[]): string {
  const ended = transfers.find((t) => t.state !== "uploading");
  if (!ended) return "";
  if (ended.state === "done") return `${ended.file.name} uploaded.`;
  if (ended.state === "cancelled") return `Upload of ${ended.file.name} cancelled.`;
  return `Upload of ${ended.file.name} failed. ${ended.error ?? ""}`.trim();
}

export function UploadList({ transfers }: { transfers: Transfer[] }) {
  return (
    <section aria-labelledby="transfers-heading" className="transfers" hidden={transfers.length === 0}>
      <h2 id="transfers-heading" className="sr-only">
        Uploads
      </h2>
      <p className="sr-only" role="status">
        {announcement(transfers)}
      </p>
      {transfers.length > 0 && (
        <ul className="transfer-list" aria-label="Uploads">
          {transfers.map((t) => (
            <TransferCard key={t.key} transfer={t} />
          ))}
        </ul>
      )}
    </section>
  );
}
