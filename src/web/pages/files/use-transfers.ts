// The uploads in progress on the files page: start, resume, cancel and dismiss them; leaving mid-upload is asked first.
import { useEffect, useState } from "react";
import { ApiError } from "../../lib/api";
import { errorText, isAbort, resumeUpload, uploadFile } from "../../lib/uploader";

export interface Transfer {
  key: string;
  file: File;
  sent: number;
  state: "uploading" | "done" | "failed" | "cancelled";
  error?: string;
  /** Set once a multipart upload exists on the server: what Resume continues. */
  uploadId?: string;
  controller?: AbortController;
}

/** `onEnded` runs after each upload ends, however it ends (to show the file list as it now is). */
export function useTransfers(onEnded: () => Promise<void>) {
  const [transfers, setTransfers] = useState<Transfer[]>([]);

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
    await onEnded();
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

  const retry = (transfer: Transfer) => void start(transfer, true);
  const dismiss = (transfer: Transfer) => setTransfers((list) => list.filter((x) => x.key !== transfer.key));

  return { transfers, add, retry, dismiss };
}
