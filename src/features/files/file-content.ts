// Serving a file's bytes: streamed from R2 with Range, conditional requests and headers that keep it inert.
import { contentDisposition, isInlineSafe, isTextType, parseByteRange } from "@outpost/edge-kit/content";
import { AppError } from "@outpost/edge-kit/errors";
import { fileErrors } from "./file-errors";
import type { FileRecord } from "./file-record";

/** States in which the bytes are in R2 and may be read. */
const READABLE = new Set(["stored", "analysing", "ready", "failed", "skipped"]);

/** Does an If-None-Match / If-Match list contain this entity tag? (weak comparison for If-None-Match) */
function matchesEtag(header: string, etag: string, weak: boolean): boolean {
  if (header.trim() === "*") return true;
  const strip = (tag: string) => (weak ? tag.replace(/^W\//, "") : tag);
  return header
    .split(",")
    .map((tag) => strip(tag.trim()))
    .some((tag) => tag === strip(etag) && (weak || !tag.startsWith("W/")));
}

function notModifiedSince(header: string | null, uploaded: Date): boolean {
  if (!header) return false;
  const since = Date.parse(header);
  return Number.isFinite(since) && Math.floor(uploaded.getTime() / 1000) <= Math.floor(since / 1000);
}

/**
 * The response for GET/HEAD of a file's content. Conditionals follow RFC 9110 §13.2.2 order: If-Match,
 * If-Unmodified-Since, If-None-Match, If-Modified-Since, then If-Range decides whether Range applies.
 * The object is read with one `head` and then one ranged `get`, so a 1 GB file is never in memory.
 */
export async function serveContent(
  bucket: R2Bucket,
  record: FileRecord,
  request: Request,
  options: { forceAttachment?: boolean } = {},
): Promise<Response> {
  if (!READABLE.has(record.status)) throw fileErrors.notReady();
  const head = await bucket.head(record.objectKey);
  if (!head) throw fileErrors.notFound();
  const etag = head.httpEtag;
  const headers = new Headers({
    ETag: etag,
    "Last-Modified": head.uploaded.toUTCString(),
    "Cache-Control": "private, no-cache",
    "Accept-Ranges": "bytes",
    "X-Content-Type-Options": "nosniff",
    // Even opened directly, the bytes run no script and load nothing (ASVS 5.0 3.2.1; OWASP file upload).
    "Content-Security-Policy":
      "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'",
    "Content-Type": isTextType(record.contentType) ? `${record.contentType}; charset=utf-8` : record.contentType,
    "Content-Disposition": contentDisposition(
      !options.forceAttachment && isInlineSafe(record.contentType) ? "inline" : "attachment",
      record.name,
    ),
  });

  const ifMatch = request.headers.get("If-Match");
  if (ifMatch !== null && !matchesEtag(ifMatch, etag, false)) return new Response(null, { status: 412, headers });
  const ifUnmodified = request.headers.get("If-Unmodified-Since");
  if (ifMatch === null && ifUnmodified !== null && !notModifiedSince(ifUnmodified, head.uploaded)) {
    return new Response(null, { status: 412, headers });
  }
  const ifNoneMatch = request.headers.get("If-None-Match");
  if (
    ifNoneMatch !== null
      ? matchesEtag(ifNoneMatch, etag, true)
      : notModifiedSince(request.headers.get("If-Modified-Since"), head.uploaded)
  ) {
    return new Response(null, { status: 304, headers });
  }

  const ifRange = request.headers.get("If-Range");
  const rangeApplies =
    ifRange === null ||
    ifRange === etag ||
    (!ifRange.startsWith('"') && !ifRange.startsWith("W/") && notModifiedSince(ifRange, head.uploaded));
  const range = rangeApplies ? parseByteRange(request.headers.get("Range"), head.size) : null;
  if (range === "unsatisfiable") {
    throw new AppError(416, "range-not-satisfiable", "Range not satisfiable", {
      detail: `The file has ${head.size} bytes`,
      headers: { "Content-Range": `bytes */${head.size}` },
    });
  }
  // HEAD answers exactly what GET would (RFC 9110 §9.3.2): the same status and headers, without the body.
  if (range) headers.set("Content-Range", `bytes ${range.start}-${range.end}/${head.size}`);
  headers.set("Content-Length", String(range ? range.end - range.start + 1 : head.size));
  const status = range ? 206 : 200;
  if (request.method === "HEAD") return new Response(null, { status, headers });
  const object = await bucket.get(
    record.objectKey,
    range ? { range: { offset: range.start, length: range.end - range.start + 1 } } : undefined,
  );
  if (!object) throw fileErrors.notFound();
  return new Response(object.body, { status, headers });
}
