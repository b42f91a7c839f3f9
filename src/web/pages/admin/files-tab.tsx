// Admin: the file pipeline, with files by status, events waiting in the outbox, and dead letters to retry.
import { useState } from "react";
import { api, errorMessage } from "../../lib/api";
import { formatTime } from "../../lib/format";
import { useLoad } from "../../lib/use-load";
import { Bars } from "./bars";

export function FilesTab() {
  const states = useLoad<{ byStatus: Record<string, number>; outboxPending: number; deadLetters: number }>(
    "/api/admin/files/states",
  );
  const letters = useLoad<{
    deadLetters: {
      messageId: string;
      fileId: string | null;
      event: string | null;
      attempts: number;
      receivedAt: string;
    }[];
  }>("/api/admin/files/dead-letters");
  const [message, setMessage] = useState<string | null>(null);
  const retry = async (id: string) => {
    try {
      const result = await api<{ retried: boolean }>(`/api/admin/files/dead-letters/${id}/retry`, { method: "POST" });
      setMessage(result.retried ? "Queued for analysis again." : "Nothing left to retry; the letter was cleared.");
      await Promise.all([states.reload(), letters.reload()]);
    } catch (e) {
      setMessage(errorMessage(e));
    }
  };
  return (
    <section className="stack" aria-labelledby="files-admin-heading">
      <h2 id="files-admin-heading">File pipeline</h2>
      {message && <p role="status">{message}</p>}
      {states.data && (
        <div className="card">
          <h3>Files by status</h3>
          <Bars entries={Object.entries(states.data.byStatus)} />
          <p className="hint">
            {states.data.outboxPending} events waiting to be sent · {states.data.deadLetters} dead letters
          </p>
        </div>
      )}
      <div className="card">
        <h3>Dead letters</h3>
        {letters.data?.deadLetters.length === 0 && <p className="hint">None: every message was handled.</p>}
        <ul className="list">
          {letters.data?.deadLetters.map((l) => (
            <li key={l.messageId} className="row spread">
              <span>
                {l.event ?? "unknown event"} · file {l.fileId ?? "?"} · {l.attempts} attempts ·{" "}
                {formatTime(l.receivedAt)}
              </span>
              <button type="button" onClick={() => void retry(l.messageId)}>
                Retry
              </button>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
