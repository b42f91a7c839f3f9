// My files: drag-and-drop uploads with progress, statuses that update until settled, analysis, previews, sharing.
import { type DragEvent, useCallback, useEffect, useRef, useState } from "react";
import { type FileView, type ShareLinkView, TRANSIENT_STATUSES } from "../../features/files/files.schema";
import { api } from "../lib/api";
import { formatBytes, formatTime } from "../lib/format";
import { errorText, resumeUpload, uploadFile } from "../lib/uploader";

interface Transfer {
  key: string;
  file: File;
  sent: number;
  state: "uploading" | "done" | "failed";
  error?: string;
  uploadId?: string;
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

function Analysis({ file }: { file: FileView }) {
  const a = file.analysis;
  if (file.status === "failed") return <p className="error">{file.error ?? "The analysis failed."}</p>;
  if (!a) return <p className="hint">No analysis yet.</p>;
  const origin = a.generative ? `by ${a.provider}` : "computed offline, not by a model";
  if (a.kind === "text") {
    return (
      <div className="stack">
        <p>
          <strong>Summary</strong> <span className="hint">({origin})</span>: {a.summary || "—"}
        </p>
        <p className="chips" title="Keywords">
          {a.keywords.map((k) => (
            <span key={k} className="chip">
              {k}
            </span>
          ))}
        </p>
        <p className="hint">
          {a.characters.toLocaleString()} characters{a.truncated ? " (only the beginning was read)" : ""}
        </p>
      </div>
    );
  }
  if (a.kind === "image") {
    return (
      <p>
        {a.format.toUpperCase()} image, {a.width} × {a.height} pixels
        {a.labels.length > 0
          ? ` · ${a.labels.map((l) => `${l.label} (${Math.round(l.score * 100)} %)`).join(", ")}`
          : ""}{" "}
        <span className="hint">({origin})</span>
      </p>
    );
  }
  return <p className="hint">{a.reason}</p>;
}

function Preview({ file }: { file: FileView }) {
  const [text, setText] = useState<string | null>(null);
  const isText = ["text/plain", "text/markdown", "text/csv", "application/json"].includes(file.contentType);
  useEffect(() => {
    if (!isText) return;
    fetch(`/api/files/${file.id}/content`, { headers: { Range: "bytes=0-2047" }, credentials: "same-origin" })
      .then((res) => (res.ok ? res.text() : Promise.reject(new Error(String(res.status)))))
      .then(setText)
      .catch(() => setText(null));
  }, [file.id, isText]);
  if (file.contentType.startsWith("image/") && file.contentType !== "image/svg+xml") {
    return <img className="preview" src={`/api/files/${file.id}/content`} alt={`Preview of ${file.name}`} />;
  }
  if (isText && text !== null) return <pre className="preview">{text}</pre>;
  return null;
}

function Sharing({ file }: { file: FileView }) {
  const [links, setLinks] = useState<ShareLinkView[]>([]);
  const [created, setCreated] = useState<ShareLinkView | null>(null);
  const [expiry, setExpiry] = useState(EXPIRY_CHOICES[1]?.seconds ?? 86_400);
  const [message, setMessage] = useState<string | null>(null);
  const load = useCallback(async () => {
    setLinks((await api<{ links: ShareLinkView[] }>(`/api/files/${file.id}/links`)).links);
  }, [file.id]);
  useEffect(() => {
    void load().catch(() => {});
  }, [load]);
  const share = async () => {
    try {
      const link = await api<ShareLinkView>(`/api/files/${file.id}/links`, {
        method: "POST",
        body: JSON.stringify({ expiresInSeconds: expiry }),
      });
      setCreated(link);
      setMessage(null);
      await load();
    } catch (error) {
      setMessage(errorText(error));
    }
  };
  const revoke = async (id: string) => {
    try {
      await fetch(`/api/files/${file.id}/links/${id}`, { method: "DELETE", credentials: "same-origin" });
      if (created?.id === id) setCreated(null);
      await load();
    } catch (error) {
      setMessage(errorText(error));
    }
  };
  const copy = async () => {
    if (!created?.url) return;
    try {
      await navigator.clipboard.writeText(created.url);
      setMessage("Link copied.");
    } catch {
      setMessage("Copy failed: select the link and copy it by hand.");
    }
  };
  return (
    <div className="stack">
      <div className="row">
        <label>
          Link lasts{" "}
          <select value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.seconds} value={c.seconds}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void share()}>
          Create share link
        </button>
      </div>
      {created?.url && (
        <div className="row">
          <label className="grow">
            <span className="sr-only">Share link</span>
            <input readOnly value={created.url} data-testid="share-url" onFocus={(e) => e.currentTarget.select()} />
          </label>
          <button type="button" onClick={() => void copy()}>
            Copy
          </button>
        </div>
      )}
      {message && <p role="status">{message}</p>}
      {links.length > 0 && (
        <ul className="list" aria-label="Share links">
          {links.map((link) => (
            <li key={link.id} className="row spread">
              <span className="hint">{link.revoked ? "revoked" : `expires ${formatTime(link.expiresAt)}`}</span>
              {!link.revoked && (
                <button type="button" onClick={() => void revoke(link.id)}>
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function FileCard({ file, onDeleted }: { file: FileView; onDeleted: () => void }) {
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    if (!confirming) {
      setConfirming(true);
      return;
    }
    try {
      const res = await fetch(`/api/files/${file.id}`, { method: "DELETE", credentials: "same-origin" });
      if (!res.ok && res.status !== 404) throw new Error(`Delete failed (${res.status})`);
      onDeleted();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <li className="card" data-testid="file" data-name={file.name} data-status={file.status}>
      <div className="row spread">
        <span>
          <strong>{file.name}</strong>{" "}
          <span className="hint">
            {file.contentType} · {formatBytes(file.size)} · {formatTime(file.createdAt)}
          </span>
        </span>
        <span className={`status status-${file.status}`} data-testid="file-status">
          {STATUS_TEXT[file.status]}
        </span>
      </div>
      <div className="row">
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "Hide details" : "Details"}
        </button>
        <a href={`/api/files/${file.id}/content`} download={file.name}>
          Download
        </a>
        <button type="button" onClick={() => void remove()} onBlur={() => setConfirming(false)}>
          {confirming ? "Confirm delete" : "Delete"}
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {open && (
        <div className="stack" data-testid="file-details">
          <Analysis file={file} />
          <Preview file={file} />
          <Sharing file={file} />
        </div>
      )}
    </li>
  );
}

export function FilesPage() {
  const [files, setFiles] = useState<FileView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [transfers, setTransfers] = useState<Transfer[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    try {
      setFiles((await api<{ files: FileView[] }>("/api/files?limit=100")).files);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  // Poll while anything is still moving; stop once every file has settled.
  const unsettled = files?.some((f) => TRANSIENT_STATUSES.includes(f.status)) ?? false;
  useEffect(() => {
    if (!unsettled) return;
    const timer = setInterval(() => void load(), 2_000);
    return () => clearInterval(timer);
  }, [unsettled, load]);

  const update = (key: string, change: Partial<Transfer>) =>
    setTransfers((list) => list.map((t) => (t.key === key ? { ...t, ...change } : t)));

  const start = async (transfer: Transfer, resume: boolean) => {
    update(transfer.key, { state: "uploading", error: undefined });
    try {
      const options = {
        onProgress: (sent: number) => update(transfer.key, { sent }),
        onUploadId: (uploadId: string) => update(transfer.key, { uploadId }),
      };
      if (resume && transfer.uploadId) await resumeUpload(transfer.uploadId, transfer.file, options);
      else await uploadFile(transfer.file, options);
      update(transfer.key, { state: "done", sent: transfer.file.size });
      await load();
    } catch (e) {
      update(transfer.key, { state: "failed", error: errorText(e) });
    }
  };

  const add = (list: FileList | null) => {
    if (!list) return;
    const added = Array.from(list, (file) => ({
      key: `${file.name}-${file.size}-${crypto.randomUUID()}`,
      file,
      sent: 0,
      state: "uploading" as const,
    }));
    setTransfers((current) => [...added, ...current]);
    for (const transfer of added) void start(transfer, false);
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };

  return (
    <>
      <h1>Files</h1>
      <section
        className={`card dropzone${dragging ? " dragging" : ""}`}
        aria-label="Upload files"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop files here, or</p>
        <label className="button">
          Choose files
          <input
            ref={input}
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
        <p className="hint">Large files are sent in parts and can be resumed if the connection drops.</p>
      </section>
      {transfers.length > 0 && (
        <ul className="list" aria-label="Uploads in progress">
          {transfers.map((t) => {
            const percent = t.file.size === 0 ? 100 : Math.floor((t.sent / t.file.size) * 100);
            return (
              <li key={t.key} className="card" data-testid="transfer" data-state={t.state}>
                <div className="row spread">
                  <span>{t.file.name}</span>
                  <span>{t.state === "done" ? "uploaded" : t.state === "failed" ? "failed" : `${percent} %`}</span>
                </div>
                <progress max={100} value={percent} aria-label={`Upload of ${t.file.name}`} />
                {t.error && (
                  <p role="alert" className="error">
                    {t.error}{" "}
                    {t.uploadId && (
                      <button type="button" onClick={() => void start(t, true)}>
                        Resume
                      </button>
                    )}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!files && !error && <p aria-busy="true">Loading files…</p>}
      {files?.length === 0 && <p>No files yet — drop one here.</p>}
      <ul className="list" aria-label="My files">
        {files?.map((file) => (
          <FileCard key={file.id} file={file} onDeleted={() => void load()} />
        ))}
      </ul>
    </>
  );
}
