// My files, as a team would use them: drop files anywhere on the page (or choose them) to upload with progress;
// find one by name, type or order; open it in a panel (?file=<id>) to preview, download, share or delete it.
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { type DragEvent, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { errorMessage } from "../api";
import { Boundary } from "../components/boundary";
import { ConfirmDialog } from "../components/confirm-dialog";
import { CATEGORY_LABELS, type Category, categoryOf, type FileView } from "./files/file-kinds";
import { FilePanel, PANEL_TITLE_ID } from "./files/file-panel";
import { addUploaded, fileKeys, filesListQuery, loadedFiles, useDeleteFile } from "./files/file-queries";
import { FileRow, FileRowsSkeleton, fileButtonId } from "./files/file-row";
import { FilesToolbar, isCategory, isSortOrder, type SortOrder, sortFiles } from "./files/files-toolbar";
import { addTransfers, useTransfers } from "./files/transfers";
import { UploadList } from "./files/upload-list";

/** While filtering or sorting, older pages load by themselves up to this many, so matches among them show too. */
const AUTO_PAGES = 10;

const matches = (file: FileView, text: string) => file.name.toLocaleLowerCase().includes(text.toLocaleLowerCase());

/** Whether a drag carries files (not text or a link dragged from the page). */
const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes("Files");

export function FilesPage() {
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const query = params.get("q") ?? "";
  const typeParam = params.get("type");
  const category: Category | "all" = isCategory(typeParam) ? typeParam : "all";
  const sortParam = params.get("sort");
  const sort: SortOrder = isSortOrder(sortParam) ? sortParam : "newest";
  const openId = params.get("file");

  const list = useInfiniteQuery(filesListQuery);
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<FileView | null>(null);
  const focusPanel = useRef(false);

  const stored = useCallback((file: FileView) => addUploaded(client, file), [client]);
  const ended = useCallback(() => void client.invalidateQueries({ queryKey: fileKeys.list }), [client]);
  const transfers = useTransfers(stored, ended);

  /** Changes some of the URL's parameters; an empty value removes one. */
  const setParam = useCallback(
    (changes: Record<string, string | null>, options: { replace?: boolean } = { replace: true }) =>
      setParams((current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      }, options),
    [setParams],
  );

  const open = (file: FileView) => {
    focusPanel.current = true;
    setParam({ file: file.id }, { replace: openId !== null });
  };
  const close = () => {
    const id = openId;
    setParam({ file: null });
    // Back to the file's row, or to the list when the row is gone.
    requestAnimationFrame(() =>
      (document.getElementById(fileButtonId(id ?? "")) ?? document.getElementById("files-heading"))?.focus(),
    );
  };

  // An opened panel takes focus (on a phone it replaces the list), but not when the page was opened at ?file=.
  useEffect(() => {
    if (!openId || !focusPanel.current) return;
    focusPanel.current = false;
    const frame = requestAnimationFrame(() => {
      const title = document.getElementById(PANEL_TITLE_ID);
      title?.focus({ preventScroll: true });
      title?.closest("aside")?.scrollIntoView({ block: "nearest" });
    });
    return () => cancelAnimationFrame(frame);
  }, [openId]);

  const remove = useDeleteFile((file, error) => setActionError(`${file.name} was not deleted. ${errorMessage(error)}`));
  const confirmDelete = () => {
    const file = deleting;
    setDeleting(null);
    if (!file) return;
    setActionError(null);
    if (openId === file.id) setParam({ file: null });
    remove.mutate(file);
    requestAnimationFrame(() => document.getElementById("files-heading")?.focus());
  };

  const deferredQuery = useDeferredValue(query.trim());
  const all = useMemo(() => loadedFiles(list.data), [list.data]);
  const shown = useMemo(() => {
    const filtered = all.filter(
      (f) =>
        (!deferredQuery || matches(f, deferredQuery)) && (category === "all" || categoryOf(f.contentType) === category),
    );
    return sortFiles(filtered, sort);
  }, [all, deferredQuery, category, sort]);
  const narrowed = deferredQuery !== "" || category !== "all";
  const reordered = sort !== "newest";

  // Filtering or sorting looks at every loaded file: load older pages too (up to AUTO_PAGES) so none is missed.
  const pageCount = list.data?.pages.length ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if ((narrowed || reordered) && hasNextPage && !isFetchingNextPage && pageCount < AUTO_PAGES) {
      void fetchNextPage();
    }
  }, [narrowed, reordered, hasNextPage, isFetchingNextPage, pageCount, fetchNextPage]);

  const onDrop = (event: DragEvent<HTMLElement>) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    setDragging(false);
    addTransfers(event.dataTransfer.files);
  };

  const clearFilters = () => setParam({ q: null, type: null });

  return (
    // The whole page is a drop target; the "Choose files" button is the way in for keyboards and touch.
    <section
      className={`files-page${dragging ? " dragging" : ""}`}
      aria-labelledby="files-title"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={(e) => {
        // Moving over a child is not leaving the page.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <div className="files-head">
        <h1 id="files-title">Files</h1>
        <label className="button primary choose-files">
          Choose files
          <input
            ref={input}
            className="sr-only"
            type="file"
            multiple
            data-testid="file-input"
            aria-describedby="upload-hint"
            onChange={(e) => {
              addTransfers(Array.from(e.currentTarget.files ?? []));
              e.currentTarget.value = "";
            }}
          />
        </label>
      </div>
      <p id="upload-hint" className="hint upload-hint">
        Drop files anywhere on this page, or choose them. Large files go in parts and resume if the connection drops.
      </p>
      <div className="drop-overlay" aria-hidden="true">
        Drop to upload
      </div>

      <UploadList transfers={transfers} />

      <div className="files-body">
        <div className={`files-layout${openId ? " with-panel" : ""}`}>
          <section className="files-main" aria-labelledby="files-heading">
            <h2 id="files-heading" className="sr-only" tabIndex={-1}>
              My files
            </h2>
            {/* Nothing to find among no files: the toolbar comes with the first one (or a filter from the URL). */}
            {(list.isPending || all.length > 0 || narrowed) && (
              <FilesToolbar
                query={query}
                category={category}
                sort={sort}
                onQuery={(text) => setParam({ q: text })}
                onCategory={(c) => setParam({ type: c === "all" ? null : c })}
                onSort={(s) => setParam({ sort: s === "newest" ? null : s })}
              />
            )}
            {actionError && (
              <div role="alert" className="action-error">
                <span>{actionError}</span>
                <button type="button" className="small quiet" onClick={() => setActionError(null)}>
                  Dismiss
                </button>
              </div>
            )}
            {list.isPending ? (
              <FileRowsSkeleton />
            ) : list.isError && !list.data ? (
              <div role="alert" className="load-error">
                <p>Your files could not be loaded. {errorMessage(list.error)}</p>
                <button type="button" onClick={() => void list.refetch()}>
                  Retry
                </button>
              </div>
            ) : all.length === 0 ? (
              <div className="empty" data-testid="files-empty">
                <strong>No files yet</strong>
                <p className="empty-note">Drop a file here or choose one.</p>
                <button type="button" onClick={() => input.current?.click()}>
                  Choose a file
                </button>
              </div>
            ) : shown.length === 0 ? (
              <div className="empty" data-testid="files-no-match">
                <strong>No files match</strong>
                <p className="empty-note">
                  {[
                    deferredQuery && `Nothing named like “${deferredQuery}”`,
                    category !== "all" && `among ${CATEGORY_LABELS[category].toLocaleLowerCase()}`,
                  ]
                    .filter(Boolean)
                    .join(" ")}
                  {list.hasNextPage ? ` in your ${all.length} newest files.` : "."}
                </p>
                <button type="button" onClick={clearFilters}>
                  Clear filters
                </button>
              </div>
            ) : (
              <ul className="file-list" aria-label="My files" aria-describedby="files-count">
                {shown.map((file) => (
                  <FileRow key={file.id} file={file} selected={file.id === openId} onOpen={open} />
                ))}
              </ul>
            )}
            {list.isError && list.data && (
              <p role="alert" className="error">
                The list could not be refreshed. {errorMessage(list.error)}{" "}
                <button type="button" className="link" onClick={() => void list.refetch()}>
                  Retry
                </button>
              </p>
            )}
            {list.data && all.length > 0 && (
              <div className="files-foot">
                <p id="files-count" className="hint" role="status">
                  {narrowed ? `${shown.length} of ${all.length} files` : `${all.length} files`}
                  {list.hasNextPage && (narrowed || reordered)
                    ? " (the newest ones; load more to include older files)"
                    : ""}
                </p>
                {list.hasNextPage && (
                  <button type="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                    {list.isFetchingNextPage ? "Loading…" : "Load more files"}
                  </button>
                )}
              </div>
            )}
          </section>
          {openId && (
            <aside id="file-panel" className="file-panel" aria-labelledby={PANEL_TITLE_ID} data-testid="file-panel">
              <Boundary what="This file">
                <FilePanel key={openId} id={openId} onClose={close} onDelete={setDeleting} />
              </Boundary>
            </aside>
          )}
        </div>
      </div>

      <ConfirmDialog
        open={deleting !== null}
        title={deleting?.status === "uploading" ? `Discard ${deleting.name}?` : `Delete ${deleting?.name ?? "file"}?`}
        confirmLabel={deleting?.status === "uploading" ? "Discard" : "Delete"}
        onCancel={() => setDeleting(null)}
        onConfirm={confirmDelete}
      >
        <p>
          {deleting?.status === "uploading"
            ? "The parts sent so far are thrown away."
            : "Its share links stop working too. This cannot be undone."}
        </p>
      </ConfirmDialog>
    </section>
  );
}
