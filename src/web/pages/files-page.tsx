// My files: drag-and-drop uploads with progress, statuses that update until settled, analysis, previews, sharing.
import { type DragEvent, useCallback, useEffect, useRef, useState } from "react";
import { type FileView, type ShareLinkView, TRANSIENT_STATUSES } from "../../features/files/files.schema";
import { ApiError, api, type ProblemBody } from "../lib/api";
import { formatBytes, formatTime } from "../lib/format";
import { errorText, isAbort, resumeUpload, uploadFile } from "../lib/uploader";

interface Transfer {
  key: string;
  file: File;
  sent: number;
  state: "uploading" | "done" | "failed" | "cancelled";
  error?: string;
  /** Set once a multipart upload exists on the server: what Resume continues. */
  uploadId?: string;
  controller?: AbortController;
}

const STATUS_TEXT: Record<FileView["status"], string> = {
  uploading: "uploading",
  stored: "queued for analysis",
  analysing: "analysing",
  ready: "ready",
  failed: "failed",
  skipped: "stored (no analysis)",
};

const EXPIRY_CHOICES = [
  { label: "1 hour", seconds: 3_600 },
  { label: "1 day", seconds: 86_400 },
  { label: "7 days", seconds: 604_800 },
];

const TEXT_PREVIEW_TYPES = new Set(["text/plain", "text/markdown", "text/csv", "application/json"]);
const PREVIEW_BYTES = 2_048;
const PAGE_SIZE = 50;
const POLL_MS = 2_000;

/** A request answered with no body (204): a refusal becomes an ApiError with the server's sentence. */
async function request(path: string, method: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(path, { method, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { detail: "Outpost cannot be reached. Check your connection and try again" });
  }
  if (!res.ok) throw new ApiError(res.status, (await res.json().catch(() => ({}))) as ProblemBody);
}

function Analysis({ file }: { file: FileView }) {
  const a = file.analysis;
  if (file.status === "failed") return <p className="error">{file.error ?? "The analysis failed."}</p>;
  if (!a) {
    return <p className="hint">{file.status === "uploading" ? "The upload has not finished." : "No analysis yet."}</p>;
  }
  const origin = a.generative ? `by ${a.provider}` : "computed offline, not by a model";
  if (a.kind === "text") {
    return (
      <div className="stack">
        <p data-testid="summary">
          <strong>Summary</strong> <span className="hint">({origin})</span>: {a.summary || "—"}
        </p>
        {a.keywords.length > 0 && (
          <ul className="chips" aria-label="Keywords">
            {a.keywords.map((k) => (
              <li key={k} className="chip">
                {k}
              </li>
            ))}
          </ul>
        )}
        <p className="hint">
          {a.characters.toLocaleString()} characters{a.truncated ? " (only the beginning was read)" : ""}
        </p>
      </div>
    );
  }
  if (a.kind === "image") {
    return (
      <div className="stack">
        <p>
          {a.format.toUpperCase()} image, {a.width} × {a.height} pixels <span className="hint">({origin})</span>
        </p>
        {a.labels.length > 0 && (
          <ul className="chips" aria-label="Labels">
            {a.labels.map((l) => (
              <li key={l.label} className="chip">
                {l.label} {Math.round(l.score * 100)} %
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return <p className="hint">{a.reason.replace(/\.?$/, ".")}</p>;
}

function Preview({ file }: { file: FileView }) {
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

function Sharing({ file }: { file: FileView }) {
  const [links, setLinks] = useState<ShareLinkView[] | null>(null);
  const [created, setCreated] = useState<ShareLinkView | null>(null);
  const [expiry, setExpiry] = useState(86_400);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const load = useCallback(async () => {
    setLinks((await api<{ links: ShareLinkView[] }>(`/api/files/${file.id}/links`)).links);
  }, [file.id]);
  useEffect(() => {
    load().catch((e: unknown) => setMessage({ ok: false, text: errorText(e) }));
  }, [load]);
  const run = async (action: () => Promise<string | null>) => {
    setBusy(true);
    setMessage(null);
    try {
      const text = await action();
      if (text) setMessage({ ok: true, text });
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  const share = () =>
    run(async () => {
      const link = await api<ShareLinkView>(`/api/files/${file.id}/links`, {
        method: "POST",
        body: JSON.stringify({ expiresInSeconds: expiry }),
      });
      // The URL is shown only once: keep it on screen even if the list fails to refresh.
      setCreated(link);
      await load().catch(() => {});
      return null;
    });
  const revoke = (id: string) =>
    run(async () => {
      await request(`/api/files/${file.id}/links/${id}`, "DELETE");
      if (created?.id === id) setCreated(null);
      await load();
      return "Link revoked: it no longer opens the file.";
    });
  const copy = (url: string) =>
    run(async () => {
      try {
        await navigator.clipboard.writeText(url);
      } catch {
        throw new Error("Copying was not allowed: select the link and copy it by hand.");
      }
      return "Link copied.";
    });
  const selectId = `expiry-${file.id}`;
  const urlId = `share-url-${file.id}`;
  return (
    <section className="stack" aria-label={`Sharing ${file.name}`}>
      <div className="row wrap">
        <label htmlFor={selectId}>Link lasts</label>
        <select id={selectId} value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
          {EXPIRY_CHOICES.map((c) => (
            <option key={c.seconds} value={c.seconds}>
              {c.label}
            </option>
          ))}
        </select>
        <button type="button" disabled={busy} onClick={() => void share()}>
          Create share link
        </button>
      </div>
      {created?.url && (
        <div className="stack">
          <label htmlFor={urlId}>Share link (shown once; anyone with it can open the file)</label>
          <div className="row">
            <input
              id={urlId}
              className="grow"
              readOnly
              value={created.url}
              data-testid="share-url"
              onFocus={(e) => e.currentTarget.select()}
            />
            <button type="button" onClick={() => void copy(created.url ?? "")}>
              Copy
            </button>
          </div>
          <p className="hint" data-testid="share-expiry">
            Expires {formatTime(created.expiresAt)}.
          </p>
        </div>
      )}
      {message && (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "ok" : "error"}>
          {message.text}
        </p>
      )}
      {links && links.length > 0 && (
        <ul className="list" aria-label="Share links">
          {links.map((link) => (
            <li key={link.id} className="row spread wrap">
              <span className="hint">
                Link created {formatTime(link.createdAt)} ·{" "}
                {link.revoked
                  ? "revoked"
                  : Date.parse(link.expiresAt) < Date.now()
                    ? "expired"
                    : `expires ${formatTime(link.expiresAt)}`}
              </span>
              {!link.revoked && Date.parse(link.expiresAt) >= Date.now() && (
                <button type="button" disabled={busy} onClick={() => void revoke(link.id)}>
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {links?.length === 0 && <p className="hint">No share links yet.</p>}
    </section>
  );
}

function FileCard({ file, onDeleted }: { file: FileView; onDeleted: (id: string) => void }) {
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
      if (e instanceof ApiError && e.status === 404) onDeleted(file.id);
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
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {open && (
        <div className="stack details" id={detailsId} data-testid="file-details">
          <Analysis file={file} />
          <Preview file={file} />
          {!unfinished && <Sharing file={file} />}
        </div>
      )}
    </li>
  );
}

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
      {t.error && (
        <p role="alert" className="error">
          {t.error}
        </p>
      )}
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

export function FilesPage() {
  const [files, setFiles] = useState<FileView[] | null>(null);
  const [older, setOlder] = useState<FileView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [transfers, setTransfers] = useState<Transfer[]>([]);
  const [dragging, setDragging] = useState(false);
  const olderLoaded = useRef(false);

  const load = useCallback(async () => {
    try {
      const page = await api<{ files: FileView[]; nextCursor: string | null }>(`/api/files?limit=${PAGE_SIZE}`);
      setFiles(page.files);
      // Once older pages are shown, their cursor stays; the first page only refreshes the newest files.
      if (!olderLoaded.current) setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await api<{ files: FileView[]; nextCursor: string | null }>(
        `/api/files?limit=${PAGE_SIZE}&cursor=${encodeURIComponent(cursor)}`,
      );
      olderLoaded.current = true;
      setOlder((current) => [...current, ...page.files]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoadingMore(false);
    }
  };

  const newestIds = new Set(files?.map((f) => f.id));
  const shown = files ? [...files, ...older.filter((f) => !newestIds.has(f.id))] : null;

  // Poll while anything is still moving; stop once every file has settled.
  const unsettled = shown?.some((f) => TRANSIENT_STATUSES.includes(f.status)) ?? false;
  useEffect(() => {
    if (!unsettled) return;
    const timer = setInterval(() => {
      if (!document.hidden) void load();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [unsettled, load]);

  // Uploads go on while the user visits other pages; closing the tab would end them, so the browser asks first.
  const sending = transfers.some((t) => t.state === "uploading");
  useEffect(() => {
    if (!sending) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [sending]);

  const update = (key: string, change: Partial<Transfer>) =>
    setTransfers((list) => list.map((t) => (t.key === key ? { ...t, ...change } : t)));

  const start = async (transfer: Transfer, resume: boolean) => {
    const controller = new AbortController();
    update(transfer.key, { state: "uploading", error: undefined, controller });
    try {
      const options = {
        signal: controller.signal,
        onProgress: (sent: number) => update(transfer.key, { sent }),
        onUploadId: (uploadId: string) => update(transfer.key, { uploadId }),
      };
      if (resume && transfer.uploadId) {
        await resumeUpload(transfer.uploadId, transfer.file, options).catch((e: unknown) => {
          // The server no longer has that upload (swept or discarded): start again from the first byte.
          const gone = e instanceof ApiError && (e.status === 404 || e.problem.code === "upload-not-open");
          if (!gone) throw e;
          return uploadFile(transfer.file, options);
        });
      } else {
        await uploadFile(transfer.file, options);
      }
      update(transfer.key, { state: "done", sent: transfer.file.size, controller: undefined, uploadId: undefined });
    } catch (e) {
      if (isAbort(e)) update(transfer.key, { state: "cancelled", controller: undefined, uploadId: undefined });
      else update(transfer.key, { state: "failed", error: errorText(e), controller: undefined });
    }
    await load();
  };

  const add = (list: FileList | null) => {
    if (!list || list.length === 0) return;
    const added: Transfer[] = Array.from(list, (file) => ({
      key: `${file.name}-${file.size}-${crypto.randomUUID()}`,
      file,
      sent: 0,
      state: "uploading",
    }));
    setTransfers((current) => [...added, ...current]);
    for (const transfer of added) void start(transfer, false);
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };

  const onDeleted = (id: string) => {
    setFiles((current) => current?.filter((f) => f.id !== id) ?? null);
    setOlder((current) => current.filter((f) => f.id !== id));
    void load();
  };

  return (
    <>
      <h1>Files</h1>
      <section
        className={`card dropzone${dragging ? " dragging" : ""}`}
        aria-labelledby="upload-heading"
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = "copy";
        }}
        onDragLeave={(e) => {
          // Moving over a child is not leaving the zone.
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <h2 id="upload-heading" className="sr-only">
          Upload files
        </h2>
        <p>{dragging ? "Drop to upload" : "Drop files here, or"}</p>
        <label className="button">
          Choose files
          <input
            className="sr-only"
            type="file"
            multiple
            data-testid="file-input"
            onChange={(e) => {
              add(e.currentTarget.files);
              e.currentTarget.value = "";
            }}
          />
        </label>
        <p className="hint">
          Text, images, PDF, archives, audio and video. Large files are sent in parts and can be resumed if the
          connection drops.
        </p>
      </section>
      {transfers.length > 0 && (
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
                onRetry={() => void start(t, true)}
                onDismiss={() => setTransfers((list) => list.filter((x) => x.key !== t.key))}
              />
            ))}
          </ul>
        </section>
      )}
      <h2>My files</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!shown && !error && <p aria-busy="true">Loading files…</p>}
      {shown?.length === 0 && <p data-testid="files-empty">No files yet — drop one here.</p>}
      <ul className="list" aria-label="My files">
        {shown?.map((file) => (
          <FileCard key={file.id} file={file} onDeleted={onDeleted} />
        ))}
      </ul>
      {cursor && (
        <button type="button" disabled={loadingMore} onClick={() => void loadMore()}>
          {loadingMore ? "Loading…" : "Show older files"}
        </button>
      )}
    </>
  );
}
