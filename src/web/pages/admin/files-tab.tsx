// Admin: the file pipeline, with files by status, events waiting in the outbox, and dead letters to retry. A load
// that fails says so (with Retry) instead of showing nothing.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, errorMessage, ok } from "../../api";
import { type Result, ResultMessage } from "../../components/result-message";
import { formatCount, formatDateTime } from "../../lib/format";
import { PageSkeleton } from "../../shell/skeleton";
import { Bars } from "./bars";
import { LoadError } from "./load-error";

const FILES_KEY = ["admin", "files"] as const;

export function FilesTab() {
  const client = useQueryClient();
  const states = useQuery({
    queryKey: [...FILES_KEY, "states"],
    queryFn: () => ok(api.GET("/api/admin/files/states")),
  });
  const letters = useQuery({
    queryKey: [...FILES_KEY, "dead-letters"],
    queryFn: async () => (await ok(api.GET("/api/admin/files/dead-letters"))).deadLetters,
  });
  const [result, setResult] = useState<Result | null>(null);
  const retry = useMutation({
    mutationFn: (messageId: string) =>
      ok(api.POST("/api/admin/files/dead-letters/{messageId}/retry", { params: { path: { messageId } } })),
    onMutate: () => setResult(null),
    onSuccess: (answer) =>
      setResult({
        ok: true,
        text: answer.retried ? "Queued for analysis again." : "Nothing was left to retry; the letter was cleared.",
      }),
    onError: (e) => setResult({ ok: false, text: `The letter was not retried. ${errorMessage(e)}` }),
    onSettled: () => client.invalidateQueries({ queryKey: FILES_KEY }),
  });

  const counts = states.data ? Object.entries(states.data.byStatus).filter(([, n]) => n > 0) : [];
  return (
    <section className="stack" aria-labelledby="files-admin-heading">
      <h2 id="files-admin-heading">File pipeline</h2>
      <ResultMessage result={result} />
      <section className="card" aria-labelledby="file-states-heading">
        <h3 id="file-states-heading">Files by status</h3>
        {states.isError && (
          <LoadError what="The file counts" error={states.error} onRetry={() => void states.refetch()} />
        )}
        {states.isPending && !states.isError && <PageSkeleton lines={3} />}
        {states.data &&
          (counts.length === 0 ? (
            <p className="empty">
              <strong>No files yet</strong>
              Counts appear here once someone uploads a file.
            </p>
          ) : (
            <Bars entries={counts} />
          ))}
        {states.data && (
          <p className="hint">
            {formatCount(states.data.outboxPending)} {states.data.outboxPending === 1 ? "event" : "events"} waiting to
            be sent · {formatCount(states.data.deadLetters)}{" "}
            {states.data.deadLetters === 1 ? "dead letter" : "dead letters"}
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="dead-letters-heading">
        <h3 id="dead-letters-heading">Dead letters</h3>
        {letters.isError && (
          <LoadError what="The dead letters" error={letters.error} onRetry={() => void letters.refetch()} />
        )}
        {letters.isPending && !letters.isError && <PageSkeleton lines={2} />}
        {letters.data?.length === 0 && (
          <p className="empty">
            <strong>No dead letters</strong>
            Every file event was handled.
          </p>
        )}
        {letters.data && letters.data.length > 0 && (
          <ul className="list" data-testid="dead-letters">
            {letters.data.map((l) => (
              <li key={l.messageId} className="admin-letter">
                <span className="grow">
                  <strong>{l.event ?? "Unknown event"}</strong>{" "}
                  <span className="hint">
                    file {l.fileId ?? "unknown"} · {l.attempts} {l.attempts === 1 ? "attempt" : "attempts"} ·{" "}
                    {formatDateTime(l.receivedAt)}
                  </span>
                </span>
                <button
                  type="button"
                  className="small"
                  disabled={retry.isPending && retry.variables === l.messageId}
                  onClick={() => retry.mutate(l.messageId)}
                >
                  Retry
                  <span className="sr-only">
                    {" "}
                    {l.event ?? "event"} for file {l.fileId ?? "unknown"}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
