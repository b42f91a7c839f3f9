// Uploads from the browser: one request for small files, resumable multipart with bounded parallelism for large ones.
import type { FileView, MultipartUploadView } from "../../features/files/files.schema";
import { ApiError, api, describeProblem, type ProblemBody } from "./api";

/** Files up to this size go in one request; larger ones in parts. */
export const SINGLE_UPLOAD_MAX = 8 * 1024 * 1024;
const PARALLEL_PARTS = 3;
/** Browsers guess types from names; the server decides from the bytes, so only text refinements are sent. */
const TEXT_REFINEMENTS = new Set(["text/plain", "text/markdown", "text/csv", "application/json"]);

function declaredType(file: File): string {
  return TEXT_REFINEMENTS.has(file.type) ? file.type : "application/octet-stream";
}
const PART_ATTEMPTS = 3;

export interface UploadOptions {
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
  /** Called once a multipart upload exists, so the caller can offer to resume it. */
  onUploadId?: (id: string) => void;
}

/** One PUT/POST with upload progress (fetch cannot report it), resolving with the parsed JSON body. */
function send<T>(method: string, url: string, body: Blob, onProgress: (loaded: number) => void, signal?: AbortSignal) {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.withCredentials = true;
    if (body.type) xhr.setRequestHeader("Content-Type", body.type);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as T);
      else reject(new ApiError(xhr.status, (parsed ?? {}) as ProblemBody));
    };
    xhr.onerror = () => reject(new ApiError(0, { detail: "The upload was interrupted. Check your connection" }));
    xhr.onabort = () => reject(new DOMException("Upload cancelled", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends the parts the server does not have yet, then completes the upload. */
async function sendParts(file: File, upload: MultipartUploadView, options: UploadOptions): Promise<FileView> {
  const id = upload.file.id;
  const have = new Set(upload.parts.map((part) => part.partNumber));
  const progress = new Map<number, number>();
  for (const part of upload.parts) progress.set(part.partNumber, part.size);
  const report = () =>
    options.onProgress?.(
      [...progress.values()].reduce((a, b) => a + b, 0),
      file.size,
    );
  report();
  const queue: number[] = [];
  for (let n = 1; n <= upload.partCount; n++) if (!have.has(n)) queue.push(n);
  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      const start = (n - 1) * upload.partSize;
      const blob = file.slice(start, Math.min(file.size, start + upload.partSize), "application/octet-stream");
      for (let attempt = 1; ; attempt++) {
        try {
          await send(
            "PUT",
            `/api/files/uploads/${id}/parts/${n}`,
            blob,
            (loaded) => {
              progress.set(n, loaded);
              report();
            },
            options.signal,
          );
          progress.set(n, blob.size);
          report();
          break;
        } catch (error) {
          progress.set(n, 0);
          const retryable = error instanceof ApiError && (error.status === 0 || error.status >= 500);
          if (!retryable || attempt >= PART_ATTEMPTS || options.signal?.aborted) throw error;
          await wait(500 * 2 ** attempt);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_PARTS }, worker));
  return api<FileView>(`/api/files/uploads/${id}/complete`, { method: "POST" });
}

/** Uploads a file and resolves with its record (status `stored`; analysis follows). */
export async function uploadFile(file: File, options: UploadOptions = {}): Promise<FileView> {
  if (file.size === 0) throw new ApiError(400, { detail: "The file is empty" });
  if (file.size <= SINGLE_UPLOAD_MAX) {
    return send<FileView>(
      "POST",
      `/api/files?name=${encodeURIComponent(file.name)}`,
      file.slice(0, file.size, declaredType(file)),
      (loaded) => options.onProgress?.(loaded, file.size),
      options.signal,
    );
  }
  const upload = await api<MultipartUploadView>("/api/files/uploads", {
    method: "POST",
    body: JSON.stringify({ name: file.name, size: file.size, contentType: declaredType(file) }),
  });
  options.onUploadId?.(upload.file.id);
  try {
    return await sendParts(file, upload, options);
  } catch (error) {
    if (options.signal?.aborted) {
      await fetch(`/api/files/uploads/${upload.file.id}`, { method: "DELETE", credentials: "same-origin" }).catch(
        () => {},
      );
    }
    throw error;
  }
}

/** Continues a multipart upload after a failure: asks what arrived, sends the rest. */
export async function resumeUpload(id: string, file: File, options: UploadOptions = {}): Promise<FileView> {
  const upload = await api<MultipartUploadView>(`/api/files/uploads/${id}`);
  if (upload.file.size !== file.size)
    throw new ApiError(409, { detail: "This is not the file that upload started with" });
  return sendParts(file, upload, options);
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof DOMException && error.name === "AbortError") return "Cancelled.";
  return error instanceof Error ? error.message : String(error);
}

export { describeProblem };
