// The uploads of this visit, kept outside React so they carry on (and are still shown) when the user visits another
// page and comes back. Start, cancel, retry (resuming a multipart upload where it stopped) and dismiss them; a
// finished upload says "Done" for a few seconds and then clears itself. Closing the tab mid-upload is asked first.
import { useEffect, useSyncExternalStore } from "react";
import { ApiError } from "../../api";
import { errorText, isAbort, resumeUpload, uploadFile } from "../../lib/uploader";
import type { FileView } from "./file-kinds";

export interface Transfer {
  key: string;
  file: File;
  sent: number;
  state: "uploading" | "done" | "failed" | "cancelled";
  error?: string;
  /** Whether trying again could work: not after a refusal of the file itself (its type, its size, empty). */
  retryable?: boolean;
  /** Set once a multipart upload exists on the server: what Retry continues. */
  uploadId?: string;
  controller?: AbortController;
}

/** How long a finished upload's card stays, saying "Done", before it clears itself. */
export const DONE_VISIBLE_MS = 4_000;

let transfers: Transfer[] = [];
const listeners = new Set<() => void>();
/** Told about each stored file (the page puts it in the list) and each upload that ended otherwise. */
let onStored: (file: FileView) => void = () => {};
let onEnded: () => void = () => {};

const warnBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
let warning = false;

function set(next: Transfer[]) {
  transfers = next;
  // Uploads go on while the user visits other pages; closing the tab would end them, so the browser asks first.
  const sending = transfers.some((t) => t.state === "uploading");
  if (sending !== warning) {
    warning = sending;
    if (sending) window.addEventListener("beforeunload", warnBeforeUnload);
    else window.removeEventListener("beforeunload", warnBeforeUnload);
  }
  for (const listener of listeners) listener();
}

const update = (key: string, change: Partial<Transfer>) =>
  set(transfers.map((t) => (t.key === key ? { ...t, ...change } : t)));

export function dismissTransfer(key: string) {
  set(transfers.filter((t) => t.key !== key));
}

export function cancelTransfer(key: string) {
  transfers.find((t) => t.key === key)?.controller?.abort();
}

/** A refusal of the file itself (empty, too large, a type not accepted) fails the same way every time. */
const canRetry = (e: unknown) => !(e instanceof ApiError && [400, 413, 415].includes(e.status));

async function start(transfer: Transfer, resume: boolean) {
  const controller = new AbortController();
  update(transfer.key, { state: "uploading", error: undefined, controller });
  try {
    const options = {
      signal: controller.signal,
      onProgress: (sent: number) => update(transfer.key, { sent }),
      onUploadId: (uploadId: string) => update(transfer.key, { uploadId }),
    };
    let stored: FileView;
    if (resume && transfer.uploadId) {
      stored = await resumeUpload(transfer.uploadId, transfer.file, options).catch((e: unknown) => {
        // The server no longer has that upload (swept or discarded): start again from the first byte.
        const gone = e instanceof ApiError && (e.status === 404 || e.problem.code === "upload-not-open");
        if (!gone) throw e;
        return uploadFile(transfer.file, options);
      });
    } else {
      stored = await uploadFile(transfer.file, options);
    }
    update(transfer.key, { state: "done", sent: transfer.file.size, controller: undefined, uploadId: undefined });
    onStored(stored);
    setTimeout(() => {
      if (transfers.find((t) => t.key === transfer.key)?.state === "done") dismissTransfer(transfer.key);
    }, DONE_VISIBLE_MS);
  } catch (e) {
    if (isAbort(e)) update(transfer.key, { state: "cancelled", controller: undefined, uploadId: undefined });
    else update(transfer.key, { state: "failed", error: errorText(e), retryable: canRetry(e), controller: undefined });
    onEnded();
  }
}

export function addTransfers(list: FileList | readonly File[] | null) {
  if (!list || list.length === 0) return;
  const added: Transfer[] = Array.from(list, (file) => ({
    key: `${file.name}-${file.size}-${crypto.randomUUID()}`,
    file,
    sent: 0,
    state: "uploading",
  }));
  set([...added, ...transfers]);
  for (const transfer of added) void start(transfer, false);
}

/** Tries a failed or cancelled upload again; a multipart one sends only the parts the server lacks. */
export function retryTransfer(key: string) {
  const transfer = transfers.find((t) => t.key === key);
  if (transfer && transfer.state !== "uploading") void start(transfer, true);
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The uploads, newest first; `stored` runs for each file that finished, `ended` after any other ending. */
export function useTransfers(stored: (file: FileView) => void, ended: () => void): Transfer[] {
  useEffect(() => {
    onStored = stored;
    onEnded = ended;
  }, [stored, ended]);
  return useSyncExternalStore(subscribe, () => transfers);
}
