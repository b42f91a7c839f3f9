// Uploads from the browser: one request for small files, resumable multipart with bounded parallelism for large ones.
// Framework-free: the files page drives it, and its tests run it against a fake XMLHttpRequest and fetch.

import { ApiError, type Problem } from "../api";
import type { components } from "../api/openapi";
import { formatBytes } from "./format";

type FileView = components["schemas"]["File"];
type MultipartUploadView = components["schemas"]["MultipartUpload"];

/** Files up to this size go in one request; larger ones in parts. */
export const SINGLE_UPLOAD_MAX = 8 * 1024 * 1024;
/** Parts in flight at once. */
const PARALLEL_PARTS = 3;
/** Retries of one part after a network error, 408, 429 or 5xx (so up to 4 attempts). */
export const PART_RETRIES = 3;
/** Browsers guess types from names; the server decides from the bytes, so only text refinements are sent. */
const TEXT_REFINEMENTS = new Set(["text/plain", "text/markdown", "text/csv", "application/json"]);

interface UploadOptions {
  /** Bytes the server has received (or is receiving) so far, of `total`. */
  onProgress?: (sent: number, total: number) => void;
  /** Aborting stops every request and discards a multipart upload on the server. */
  signal?: AbortSignal;
  /** Called once a multipart upload exists, so the caller can offer to resume it. */
  onUploadId?: (id: string) => void;
  /** Wait before retry `n` (1-based) of a part; exponential with jitter unless given. */
  retryDelayMs?: (retry: number) => number;
}

/**
 * The type to declare: the server sniffs the bytes and refuses a declaration that disagrees (415), and a
 * browser's guess comes from the file's name, so only the text refinements it cannot sniff are declared.
 */
function declaredType(file: Blob): string {
  return TEXT_REFINEMENTS.has(file.type) ? file.type : "application/octet-stream";
}

const FALLBACK_DETAIL: Record<number, string> = {
  408: "The server waited too long for the upload",
  413: "The file is too large",
  415: "Files of this type are not accepted",
  429: "Too many uploads at once; wait a moment and try again",
  503: "File storage is unavailable; try again shortly",
};

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** The problem+json body of a refusal, or a sentence for the status when a proxy answered without one. */
function problemFrom(status: number, body: unknown): Problem {
  const problem = body && typeof body === "object" ? (body as Problem) : {};
  if (!problem.detail && !problem.title && FALLBACK_DETAIL[status])
    return { ...problem, detail: FALLBACK_DETAIL[status] };
  return problem;
}

const aborted = () => new DOMException("Upload cancelled", "AbortError");

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/** One request with upload progress (fetch cannot report it), resolving with the parsed JSON body. */
function send<T>(
  method: string,
  url: string,
  body: Blob,
  onProgress: (loaded: number) => void,
  signal: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(aborted());
    const xhr = new XMLHttpRequest();
    const stop = () => xhr.abort();
    const settle = (fn: () => void) => {
      signal.removeEventListener("abort", stop);
      fn();
    };
    xhr.open(method, url);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Content-Type", body.type || "application/octet-stream");
    xhr.upload.onprogress = (event) => onProgress(Math.min(event.loaded, body.size));
    xhr.onload = () =>
      settle(() => {
        const body = parseJson(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
        else reject(new ApiError(xhr.status, problemFrom(xhr.status, body)));
      });
    xhr.onerror = () =>
      settle(() => reject(new ApiError(0, { detail: "The upload was interrupted. Check your connection" })));
    xhr.onabort = () => settle(() => reject(aborted()));
    signal.addEventListener("abort", stop, { once: true });
    xhr.send(body);
  });
}

/**
 * A JSON call to the upload API that reports cancellation as an AbortError rather than as "cannot be reached".
 * Plain fetch, not the typed client: these calls share the signal and error shape of the XHR transfers above.
 */
async function call<T>(path: string, init: RequestInit, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw aborted();
  const headers = new Headers(init.headers);
  if (init.body !== undefined && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers, credentials: "same-origin", signal });
  } catch {
    throw signal.aborted ? aborted() : new ApiError(0, {});
  }
  const body = parseJson(await res.text().catch(() => ""));
  if (signal.aborted) throw aborted();
  if (!res.ok) throw new ApiError(res.status, problemFrom(res.status, body));
  return body as T;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(aborted());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    timer = setTimeout(() => {
      signal.removeEventListener("abort", stop);
      resolve();
    }, ms);
    signal.addEventListener("abort", stop, { once: true });
  });
}

const retryable = (error: unknown) =>
  error instanceof ApiError &&
  (error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500);

const defaultDelay = (retry: number) => 500 * 2 ** (retry - 1) * (0.75 + Math.random() / 2);

/** Sends the given parts, at most PARALLEL_PARTS at a time; the first part to fail for good stops the others. */
async function sendParts(
  file: Blob,
  upload: MultipartUploadView,
  missing: number[],
  options: UploadOptions,
  signal: AbortSignal,
): Promise<void> {
  const id = upload.file.id;
  const progress = new Map<number, number>();
  for (const part of upload.parts) progress.set(part.partNumber, part.size);
  const report = () => {
    let sent = 0;
    for (const bytes of progress.values()) sent += bytes;
    options.onProgress?.(Math.min(sent, file.size), file.size);
  };
  report();
  const stopSiblings = new AbortController();
  const partSignal = AbortSignal.any([signal, stopSiblings.signal]);
  const queue = [...missing];
  let failure: unknown;
  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      const start = (n - 1) * upload.partSize;
      const blob = file.slice(start, Math.min(file.size, start + upload.partSize), "application/octet-stream");
      for (let retry = 0; ; retry++) {
        try {
          const onProgress = (loaded: number) => {
            progress.set(n, loaded);
            report();
          };
          await send("PUT", `/api/files/uploads/${id}/parts/${n}`, blob, onProgress, partSignal);
          progress.set(n, blob.size);
          report();
          break;
        } catch (error) {
          progress.set(n, 0);
          report();
          if (!retryable(error) || retry >= PART_RETRIES || partSignal.aborted) throw error;
          await wait((options.retryDelayMs ?? defaultDelay)(retry + 1), partSignal);
        }
      }
    }
  };
  const workers = Array.from({ length: Math.min(PARALLEL_PARTS, missing.length) }, () =>
    worker().catch((error: unknown) => {
      // Keep the first real failure; the others are the siblings it stopped.
      failure ??= error;
      stopSiblings.abort();
    }),
  );
  await Promise.all(workers);
  if (signal.aborted) throw aborted();
  if (failure !== undefined) throw failure;
}

const missingParts = (upload: MultipartUploadView) => {
  const have = new Set(upload.parts.map((part) => part.partNumber));
  const missing: number[] = [];
  for (let n = 1; n <= upload.partCount; n++) if (!have.has(n)) missing.push(n);
  return missing;
};

/** Sends what the server lacks, completes; if the server still reports parts missing, sends those once more. */
async function finish(file: Blob, started: MultipartUploadView, options: UploadOptions, signal: AbortSignal) {
  const id = started.file.id;
  let upload = started;
  for (let round = 1; ; round++) {
    await sendParts(file, upload, missingParts(upload), options, signal);
    try {
      return await call<FileView>(`/api/files/uploads/${id}/complete`, { method: "POST" }, signal);
    } catch (error) {
      if (round >= 2 || !(error instanceof ApiError) || error.problem.code !== "parts-missing") throw error;
      upload = await call<MultipartUploadView>(`/api/files/uploads/${id}`, {}, signal);
    }
  }
}

/** Runs a multipart upload; on cancellation, tells the server to discard its parts. */
async function multipart(
  file: Blob,
  upload: MultipartUploadView,
  options: UploadOptions,
  signal: AbortSignal,
): Promise<FileView> {
  try {
    return await finish(file, upload, options, signal);
  } catch (error) {
    if (signal.aborted) {
      // keepalive: the request outlives a page that is closing.
      await fetch(`/api/files/uploads/${upload.file.id}`, {
        method: "DELETE",
        credentials: "same-origin",
        keepalive: true,
      }).catch(() => {});
      throw aborted();
    }
    throw error;
  }
}

/**
 * Uploads a file and resolves with its record (status `stored`; analysis follows). Rejects with an
 * ApiError whose message is the server's explanation, or an AbortError when `signal` aborts.
 */
export async function uploadFile(file: File, options: UploadOptions = {}): Promise<FileView> {
  const signal = options.signal ?? new AbortController().signal;
  if (signal.aborted) throw aborted();
  if (file.size === 0) throw new ApiError(400, { detail: "The file is empty; there is nothing to upload" });
  if (file.size <= SINGLE_UPLOAD_MAX) {
    const stored = await send<FileView>(
      "POST",
      `/api/files?name=${encodeURIComponent(file.name)}`,
      file.slice(0, file.size, declaredType(file)),
      (loaded) => options.onProgress?.(loaded, file.size),
      signal,
    );
    options.onProgress?.(file.size, file.size);
    return stored;
  }
  const upload = await call<MultipartUploadView>(
    "/api/files/uploads",
    { method: "POST", body: JSON.stringify({ name: file.name, size: file.size, contentType: declaredType(file) }) },
    signal,
  );
  options.onUploadId?.(upload.file.id);
  return multipart(file, upload, options, signal);
}

/** Continues a multipart upload after a failure: asks which parts arrived and sends only the rest. */
export async function resumeUpload(id: string, file: File, options: UploadOptions = {}): Promise<FileView> {
  const signal = options.signal ?? new AbortController().signal;
  const upload = await call<MultipartUploadView>(`/api/files/uploads/${id}`, {}, signal);
  if (upload.file.size !== file.size) {
    throw new ApiError(409, { detail: "This is not the file that upload started with" });
  }
  return multipart(file, upload, options, signal);
}

/**
 * A sentence for the page: the server's explanation, or what went wrong locally. In a sentence about bytes,
 * every count of 1000 or more is one ("You use 99000000 of your 100000000 bytes"), so each is made readable.
 */
export function errorText(error: unknown): string {
  if (isAbort(error)) return "Upload cancelled.";
  // No HTTP answer: say what was happening ("The upload was interrupted…") when the transfer knows it.
  const interrupted = error instanceof ApiError && error.status === 0 ? error.problem.detail : undefined;
  const text = interrupted ? interrupted.replace(/\.?$/, ".") : error instanceof Error ? error.message : String(error);
  if (!/\bbytes\b/.test(text)) return text;
  return text
    .replace(/\b(\d{4,}) bytes\b/g, (_, n: string) => formatBytes(Number(n)))
    .replace(/(?<![\w-])(\d{4,})(?![\w-])/g, (_, n: string) => formatBytes(Number(n)));
}
