// My files: drag-and-drop uploads with progress, statuses that update until settled, analysis, previews, sharing.
import { useCallback, useEffect, useRef, useState } from "react";
import { type FileView, TRANSIENT_STATUSES } from "../../features/files/files.schema";
import { ErrorAlert } from "../components/error-alert";
import { api } from "../lib/api";
import { errorText } from "../lib/uploader";
import { DropZone } from "./files/drop-zone";
import { FileCard } from "./files/file-card";
import { UploadList } from "./files/upload-list";
import { useTransfers } from "./files/use-transfers";

const PAGE_SIZE = 50;
const POLL_MS = 2_000;

export function FilesPage() {
  const [files, setFiles] = useState<FileView[] | null>(null);
  const [older, setOlder] = useState<FileView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
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

  const { transfers, add, retry, dismiss } = useTransfers(load);

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

  const onDeleted = (id: string) => {
    setFiles((current) => current?.filter((f) => f.id !== id) ?? null);
    setOlder((current) => current.filter((f) => f.id !== id));
    void load();
  };

  return (
    <>
      <h1>Files</h1>
      <DropZone onFiles={add} />
      <UploadList transfers={transfers} onRetry={retry} onDismiss={dismiss} />
      <h2>My files</h2>
      <ErrorAlert text={error} />
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
