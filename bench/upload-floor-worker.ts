// The floor for bench/upload-memory.mjs: a bare Worker that does nothing but R2's multipart calls with the
// request body as it comes (no auth, no D1, no sniffing, no FixedLengthStream, no Outpost code in its bundle).
// Whatever workerd's memory does while this Worker takes an upload is the local runtime's (Miniflare's R2
// emulation runs in the same process), not Outpost's. bench/upload-probe-worker.ts reuses it with diagnostic
// variants. Built and run by the benchmark only; never deployed.

export interface FloorEnv {
  FILES: R2Bucket;
}

export interface FloorHooks {
  /** The part's bytes as R2 gets them (`via` from the query string). */
  partBody(request: Request, via: string | null): ReadableStream | Promise<ReadableStream>;
  /** The stored object read once for its SHA-256 (hex), as `via` says. */
  read(env: FloorEnv, key: string, via: string | null): Promise<string | null>;
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

/** The body piped natively into a DigestStream: the cheapest way to read an object whole. */
export async function nativeRead(env: FloorEnv, key: string): Promise<string | null> {
  const object = await env.FILES.get(key);
  if (!object) return null;
  const digest = new crypto.DigestStream("SHA-256");
  await object.body.pipeTo(digest);
  return [...new Uint8Array(await digest.digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function floorWorker(hooks: FloorHooks): ExportedHandler<FloorEnv> {
  return {
    async fetch(request, env) {
      const url = new URL(request.url);
      const key = url.searchParams.get("key") ?? "floor";
      const via = url.searchParams.get("via");
      // POST /uploads?key=…  → { uploadId }
      if (request.method === "POST" && url.pathname === "/uploads") {
        const upload = await env.FILES.createMultipartUpload(key);
        return json({ uploadId: upload.uploadId }, 201);
      }
      const part = /^\/uploads\/([^/]+)\/parts\/(\d+)$/.exec(url.pathname);
      // PUT /uploads/:uploadId/parts/:n?key=…  (the body is the part) → { partNumber, etag }
      if (request.method === "PUT" && part?.[1] && part[2] && request.body) {
        const upload = env.FILES.resumeMultipartUpload(key, part[1]);
        const uploaded = await upload.uploadPart(Number(part[2]), await hooks.partBody(request, via));
        return json({ partNumber: uploaded.partNumber, etag: uploaded.etag });
      }
      const complete = /^\/uploads\/([^/]+)\/complete$/.exec(url.pathname);
      // POST /uploads/:uploadId/complete?key=…  with [{ partNumber, etag }] → { size }
      if (request.method === "POST" && complete?.[1]) {
        const parts = (await request.json()) as R2UploadedPart[];
        const object = await env.FILES.resumeMultipartUpload(key, complete[1]).complete(parts);
        return json({ size: object.size });
      }
      // POST /read?key=…&via=…  → { sha256 }: the object read once more, as Outpost's analysis does.
      if (request.method === "POST" && url.pathname === "/read") {
        const sha256 = await hooks.read(env, key, via);
        return sha256 ? json({ sha256 }) : json({ error: "not found" }, 404);
      }
      return json({ error: "not found" }, 404);
    },
  };
}

export default floorWorker({
  partBody: (request) => request.body as ReadableStream,
  read: (env, key) => nativeRead(env, key),
});
