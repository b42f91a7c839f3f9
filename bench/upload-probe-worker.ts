// Diagnostic variants of bench/upload-floor-worker.ts, to find where Outpost's upload memory went: the same
// routes, but the part body goes through a FixedLengthStream, a pipeTo variant, or Outpost's own byte-stream
// helpers, and the object can be read by Outpost's analysis. Built and run by bench/upload-memory.mjs only.

import type { AiProvider } from "@outpost/edge-kit/ai";
import { analyseFile, forward, readHead, replay } from "../src/features/files";
import { floorWorker, nativeRead } from "./upload-floor-worker";

/** Video files get no model call: the analysis only reads and hashes them. */
const NO_PROVIDER = { name: "offline", generative: false } as unknown as AiProvider;

export default floorWorker({
  /**
   * `fixed`: the body piped through a FixedLengthStream (pipeThrough); `pipe[-signal|-reader|-keep]`: pipeTo a
   * FixedLengthStream, with an abort signal, after taking and releasing a reader, or with preventCancel;
   * `replay` and `forward`: Outpost's helpers (replay pulls every chunk through a JS stream, forward pipes natively).
   */
  async partBody(request, via) {
    const body = request.body as ReadableStream<Uint8Array>;
    const length = Number(request.headers.get("content-length"));
    if (via === "fixed") return body.pipeThrough(new FixedLengthStream(length));
    if (via?.startsWith("pipe")) {
      const fixed = new FixedLengthStream(length);
      if (via.includes("reader")) body.getReader().releaseLock();
      const signal = via.includes("signal") ? new AbortController().signal : undefined;
      body.pipeTo(fixed.writable, { preventCancel: via.includes("keep"), signal }).catch(() => {});
      return fixed.readable;
    }
    if (via === "replay") return replay(await readHead(body, 0, length), length, false).readable;
    if (via === "forward") return forward(await readHead(body, 0, length), length).readable;
    return body;
  },
  /** `analyse`: Outpost's analyseFile on a multipart video (one streamed SHA-256 read); otherwise a native pipe. */
  async read(env, key, via) {
    if (via !== "analyse") return nativeRead(env, key);
    const head = await env.FILES.head(key);
    if (!head) return null;
    const record = { objectKey: key, size: head.size, sha256: null, contentType: "video/mp4" };
    return (await analyseFile(env.FILES, record as Parameters<typeof analyseFile>[1], NO_PROVIDER)).sha256;
  },
});
