import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api";
import type { components } from "../api/openapi";
import { errorText, isAbort, PART_RETRIES, resumeUpload, SINGLE_UPLOAD_MAX, uploadFile } from "./uploader";

type FileView = components["schemas"]["File"];
type MultipartUploadView = components["schemas"]["MultipartUpload"];

const MIB = 1024 * 1024;
const ID = "0123456789abcdef0123456789abcdef";

type Reply = { status: number; body?: unknown } | "network-error";
interface Request {
  method: string;
  url: string;
  body: Blob | string | null;
  contentType: string | null;
}
type Handler = (request: Request) => Reply | Promise<Reply>;

/** The server both transports talk to: XMLHttpRequest (uploads) and fetch (the JSON calls). */
let handler: Handler;
let requests: Request[];
let inFlight = 0;
let maxInFlight = 0;
let aborts = 0;

class FakeXhr {
  method = "";
  url = "";
  status = 0;
  responseText = "";
  withCredentials = false;
  upload: { onprogress: ((event: { loaded: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  private contentType: string | null = null;
  private settled = false;

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    if (name.toLowerCase() === "content-type") this.contentType = value;
  }
  send(body: Blob) {
    const request = { method: this.method, url: this.url, body, contentType: this.contentType };
    requests.push(request);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(async () => {
      if (this.settled) return;
      this.upload.onprogress?.({ loaded: Math.floor(body.size / 2) });
      const reply = await handler(request);
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (this.settled) return;
      this.settled = true;
      inFlight--;
      if (reply === "network-error") return this.onerror?.();
      this.upload.onprogress?.({ loaded: body.size });
      this.status = reply.status;
      this.responseText = reply.body === undefined ? "" : JSON.stringify(reply.body);
      this.onload?.();
    }, 1);
  }
  abort() {
    if (this.settled) return;
    this.settled = true;
    inFlight--;
    aborts++;
    this.onabort?.();
  }
}

async function fakeFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  if (init.signal?.aborted) throw new DOMException("aborted", "AbortError");
  const request = {
    method: init.method ?? "GET",
    url: String(input),
    body: typeof init.body === "string" ? init.body : null,
    contentType: new Headers(init.headers).get("Content-Type"),
  };
  requests.push(request);
  const reply = await handler(request);
  if (reply === "network-error") throw new TypeError("Failed to fetch");
  if (reply.body === undefined) return new Response(null, { status: reply.status });
  return Response.json(reply.body, { status: reply.status });
}

function fileView(size: number, status: FileView["status"] = "stored"): FileView {
  return {
    id: ID,
    name: "big.bin",
    contentType: "application/octet-stream",
    size,
    sha256: null,
    status,
    uploadMode: size > SINGLE_UPLOAD_MAX ? "multipart" : "single",
    analysis: null,
    error: null,
    createdAt: "2026-11-23T00:00:00.000Z",
    updatedAt: "2026-11-23T00:00:00.000Z",
  };
}

/** A multipart server with 1 MiB parts; `part` may refuse some PUTs. */
function multipartServer(
  size: number,
  options: { have?: number[]; part?: (n: number, attempt: number) => Reply | undefined },
) {
  const partSize = MIB;
  const partCount = Math.ceil(size / partSize);
  const parts = new Map<number, number>();
  for (const n of options.have ?? []) parts.set(n, n === partCount ? size - partSize * (partCount - 1) : partSize);
  const attempts = new Map<number, number>();
  const view = (): MultipartUploadView => ({
    file: fileView(size, "uploading"),
    partSize,
    partCount,
    parts: [...parts].map(([partNumber, bytes]) => ({ partNumber, size: bytes })),
  });
  const server: Handler = (request) => {
    const put = /^\/api\/files\/uploads\/[0-9a-f]{32}\/parts\/(\d+)$/.exec(request.url);
    if (request.method === "POST" && request.url === "/api/files/uploads") return { status: 201, body: view() };
    if (request.method === "GET" && request.url === `/api/files/uploads/${ID}`) return { status: 200, body: view() };
    if (request.method === "PUT" && put) {
      const n = Number(put[1]);
      const attempt = (attempts.get(n) ?? 0) + 1;
      attempts.set(n, attempt);
      const refusal = options.part?.(n, attempt);
      if (refusal) return refusal;
      const bytes = (request.body as Blob).size;
      const expected = n === partCount ? size - partSize * (partCount - 1) : partSize;
      if (bytes !== expected) return { status: 400, body: { detail: `part ${n} has ${bytes} bytes` } };
      parts.set(n, bytes);
      return { status: 200, body: { partNumber: n, size: bytes } };
    }
    if (request.method === "POST" && request.url === `/api/files/uploads/${ID}/complete`) {
      const missing = [];
      for (let n = 1; n <= partCount; n++) if (!parts.has(n)) missing.push(n);
      if (missing.length > 0) {
        return { status: 409, body: { code: "parts-missing", detail: `Upload parts ${missing.join(", ")}` } };
      }
      return { status: 200, body: fileView(size) };
    }
    if (request.method === "DELETE" && request.url === `/api/files/uploads/${ID}`) return { status: 204 };
    return { status: 404, body: { detail: `no route ${request.method} ${request.url}` } };
  };
  return { server, parts, attempts, partCount };
}

const puts = () => requests.filter((r) => r.method === "PUT").map((r) => Number(r.url.split("/").pop()));
const noDelay = { retryDelayMs: () => 1 };

beforeEach(() => {
  requests = [];
  inFlight = 0;
  maxInFlight = 0;
  aborts = 0;
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  vi.stubGlobal("fetch", fakeFetch);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("uploadFile: one request for small files", () => {
  it("posts the bytes with the name in the query and reports progress to the end", async () => {
    handler = () => ({ status: 201, body: fileView(5) });
    const progress: [number, number][] = [];
    const file = new File(["hello"], "notes & plans.txt", { type: "text/plain" });
    const result = await uploadFile(file, { onProgress: (sent, total) => progress.push([sent, total]) });
    expect(result.id).toBe(ID);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe("POST");
    expect(requests[0]?.url).toBe("/api/files?name=notes%20%26%20plans.txt");
    expect(requests[0]?.contentType).toBe("text/plain");
    expect(progress.at(-1)).toEqual([5, 5]);
  });

  it("lets the server decide a non-text type from the bytes", async () => {
    handler = () => ({ status: 201, body: fileView(3) });
    await uploadFile(new File(["abc"], "photo.jpg", { type: "image/jpeg" }));
    expect(requests[0]?.contentType).toBe("application/octet-stream");
  });

  it("rejects with the problem's detail, byte counts made readable", async () => {
    handler = () => ({
      status: 413,
      body: {
        code: "quota-exceeded",
        title: "Storage quota exceeded",
        detail: "You use 99000000 of your 100000000 bytes",
      },
    });
    const error = await uploadFile(new File(["x"], "a.txt")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(413);
    expect((error as ApiError).message).toBe("Storage quota exceeded. You use 99000000 of your 100000000 bytes.");
    expect(errorText(error)).toBe("Storage quota exceeded. You use 99.0 MB of your 100 MB.");
  });

  it("explains a refusal that came without a problem body", async () => {
    handler = () => ({ status: 415 });
    const error = await uploadFile(new File(["x"], "a.exe")).catch((e: unknown) => e);
    expect(errorText(error)).toBe("Files of this type are not accepted.");
  });

  it("refuses an empty file without a request", async () => {
    handler = () => ({ status: 500 });
    await expect(uploadFile(new File([], "empty.txt"))).rejects.toThrow(/empty/);
    expect(requests).toHaveLength(0);
  });

  it("aborts the request when the signal aborts", async () => {
    handler = () => new Promise(() => {});
    const controller = new AbortController();
    const upload = uploadFile(new File(["hello"], "a.txt"), { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    const error = await upload.catch((e: unknown) => e);
    expect(isAbort(error)).toBe(true);
    expect(errorText(error)).toBe("Upload cancelled.");
    expect(aborts).toBe(1);
  });
});

describe("uploadFile: parts for large files", () => {
  const size = SINGLE_UPLOAD_MAX + 300_000; // 9 parts of 1 MiB, the last 300 000 bytes

  it("creates the upload, sends every part at its exact size with at most 3 in flight, then completes", async () => {
    const { server, parts, partCount } = multipartServer(size, {});
    handler = server;
    const progress: number[] = [];
    const ids: string[] = [];
    const file = new File([new Uint8Array(size)], "big.bin");
    const result = await uploadFile(file, {
      onProgress: (sent) => progress.push(sent),
      onUploadId: (id) => ids.push(id),
    });
    expect(result.status).toBe("stored");
    expect(ids).toEqual([ID]);
    expect(partCount).toBe(9);
    expect([...parts.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(parts.get(9)).toBe(size - 8 * MIB);
    expect(maxInFlight).toBe(3);
    const create = requests[0];
    expect(create?.url).toBe("/api/files/uploads");
    expect(JSON.parse(String(create?.body))).toEqual({
      name: "big.bin",
      size,
      contentType: "application/octet-stream",
    });
    expect(requests.at(-1)?.url).toBe(`/api/files/uploads/${ID}/complete`);
    expect(progress.at(-1)).toBe(size);
    expect(Math.max(...progress)).toBe(size);
  });

  it("retries a failing part with backoff and succeeds", async () => {
    const { server } = multipartServer(size, {
      part: (n, attempt) => (n === 2 && attempt <= 2 ? { status: 503, body: { detail: "try again" } } : undefined),
    });
    handler = server;
    const delays: number[] = [];
    const result = await uploadFile(new File([new Uint8Array(size)], "big.bin"), {
      retryDelayMs: (retry) => {
        delays.push(retry);
        return 1;
      },
    });
    expect(result.status).toBe("stored");
    expect(puts().filter((n) => n === 2)).toHaveLength(3);
    expect(delays).toEqual([1, 2]);
  });

  it(`gives up on a part after ${PART_RETRIES} retries, stops the other parts and keeps the upload to resume`, async () => {
    const { server, attempts } = multipartServer(size, {
      part: (n) => (n === 1 ? "network-error" : undefined),
    });
    // The other parts are slow, so part 1 runs out of retries while they are still in flight.
    handler = async (request) => {
      if (request.method === "PUT" && !request.url.endsWith("/parts/1")) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return server(request);
    };
    const error = await uploadFile(new File([new Uint8Array(size)], "big.bin"), noDelay).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(errorText(error)).toMatch(/interrupted/);
    expect(attempts.get(1)).toBe(PART_RETRIES + 1);
    expect(aborts).toBe(2);
    expect(puts().filter((n) => n > 3)).toEqual([]);
    expect(requests.some((r) => r.url.endsWith("/complete"))).toBe(false);
    expect(requests.some((r) => r.method === "DELETE")).toBe(false);
  });

  it("does not retry a part the server refuses", async () => {
    const { server, attempts } = multipartServer(size, {
      part: (n) => (n === 3 ? { status: 413, body: { detail: "A part must not exceed 8388608 bytes" } } : undefined),
    });
    handler = server;
    const error = await uploadFile(new File([new Uint8Array(size)], "big.bin"), noDelay).catch((e: unknown) => e);
    expect(errorText(error)).toBe("A part must not exceed 8.4 MB.");
    expect(attempts.get(3)).toBe(1);
  });

  it("aborts the parts in flight and discards the upload on the server", async () => {
    const { server } = multipartServer(size, {});
    handler = (request) => (request.method === "PUT" ? new Promise(() => {}) : server(request));
    const controller = new AbortController();
    const upload = uploadFile(new File([new Uint8Array(size)], "big.bin"), { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    const error = await upload.catch((e: unknown) => e);
    expect(isAbort(error)).toBe(true);
    expect(aborts).toBe(3);
    expect(requests.at(-1)).toMatchObject({ method: "DELETE", url: `/api/files/uploads/${ID}` });
    expect(puts()).toHaveLength(3);
  });

  it("sends the parts the server reports missing at completion, once", async () => {
    const { server, parts } = multipartServer(size, {});
    let completes = 0;
    handler = (request) => {
      if (request.url.endsWith("/complete") && ++completes === 1) parts.delete(4); // lost by the server
      return server(request);
    };
    const result = await uploadFile(new File([new Uint8Array(size)], "big.bin"), noDelay);
    expect(result.status).toBe("stored");
    expect(puts().filter((n) => n === 4)).toHaveLength(2);
    expect(completes).toBe(2);
  });
});

describe("resumeUpload", () => {
  const size = SINGLE_UPLOAD_MAX + 300_000;

  it("asks which parts arrived and sends only the rest", async () => {
    const { server } = multipartServer(size, { have: [1, 2, 5, 9] });
    handler = server;
    const progress: number[] = [];
    const result = await resumeUpload(ID, new File([new Uint8Array(size)], "big.bin"), {
      onProgress: (sent) => progress.push(sent),
    });
    expect(result.status).toBe("stored");
    expect(requests[0]).toMatchObject({ method: "GET", url: `/api/files/uploads/${ID}` });
    expect(puts().sort((a, b) => a - b)).toEqual([3, 4, 6, 7, 8]);
    expect(progress[0]).toBe(3 * MIB + 300_000);
    expect(progress.at(-1)).toBe(size);
  });

  it("refuses a different file", async () => {
    handler = multipartServer(size, {}).server;
    await expect(resumeUpload(ID, new File([new Uint8Array(10)], "other.bin"))).rejects.toThrow(/not the file/);
    expect(puts()).toHaveLength(0);
  });
});
