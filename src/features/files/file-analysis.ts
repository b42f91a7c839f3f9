// Analysis of a stored file: read it once from R2 (hashing as it streams), then summarise text or describe images.
import type { AiProvider } from "@outpost/edge-kit/ai";
import { isTextType, readImageInfo } from "@outpost/edge-kit/content";
import { toHex } from "@outpost/edge-kit/crypto";
import type { FileRecord } from "./file-record";
import { type FileAnalysis, FileAnalysisSchema } from "./files.schema";

/** Text beyond this is not read for the summary (the analysis says `truncated`). */
const TEXT_SAMPLE_BYTES = 256 * 1024;
/** Images up to this size go to the image model whole; larger ones get header information only. */
const IMAGE_MODEL_MAX_BYTES = 10 * 1024 * 1024;

const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"]);

/** A failure that retrying cannot fix: the file ends `failed` and the message is acknowledged. */
export class PermanentAnalysisError extends Error {
  constructor(
    readonly publicReason: string,
    options?: { cause?: unknown },
  ) {
    super(publicReason, options);
    this.name = "PermanentAnalysisError";
  }
}

interface AnalysisResult {
  status: "ready" | "skipped";
  analysis: FileAnalysis;
  sha256: string;
  embedding: { vector: number[]; lexical: boolean } | null;
}

/**
 * The first `keep` bytes, and the SHA-256 of the whole object. When the upload already computed the hash
 * (single-request uploads), only a ranged read of the head is made; otherwise (multipart) the object is
 * streamed once through a native DigestStream. Memory stays bounded whatever the file's size.
 */
async function readSample(bucket: R2Bucket, record: FileRecord, keep: number) {
  if (record.sha256) {
    const object = await bucket.get(
      record.objectKey,
      keep > 0 ? { range: { offset: 0, length: keep } } : { range: { offset: 0, length: 1 } },
    );
    if (!object) throw new PermanentAnalysisError("The stored object is missing");
    const sample = keep > 0 ? new Uint8Array(await object.arrayBuffer()) : new Uint8Array(0);
    if (keep === 0) await object.body.cancel();
    return { sample: sample.subarray(0, keep), size: object.size, sha256: record.sha256 };
  }
  const object = await bucket.get(record.objectKey);
  if (!object) throw new PermanentAnalysisError("The stored object is missing");
  const digest = new crypto.DigestStream("SHA-256");
  const writer = digest.getWriter();
  const kept = new Uint8Array(Math.min(keep, object.size));
  let filled = 0;
  const reader = object.body.getReader();
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    await writer.write(next.value);
    if (filled < kept.length) {
      const take = next.value.subarray(0, kept.length - filled);
      kept.set(take, filled);
      filled += take.byteLength;
    }
  }
  await writer.close();
  return { sample: kept.subarray(0, filled), size: object.size, sha256: toHex(new Uint8Array(await digest.digest)) };
}

/** Markup is reduced to its text; the text is data for the provider, never instructions. */
function plainText(contentType: string, bytes: Uint8Array): string {
  let text = new TextDecoder("utf-8").decode(bytes);
  if (contentType === "text/html" || contentType === "application/xml") {
    text = text
      .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, " ")
      .replace(/<[^>]*>/g, " ")
      .replace(/&nbsp;/g, " ");
  }
  return text.replace(/\s+/g, " ").trim();
}

export async function analyseFile(bucket: R2Bucket, record: FileRecord, provider: AiProvider): Promise<AnalysisResult> {
  const base = { provider: provider.name, generative: provider.generative, analysedAt: new Date().toISOString() };
  const isText = isTextType(record.contentType);
  const isImage = IMAGE_TYPES.has(record.contentType);
  const keep = isText
    ? TEXT_SAMPLE_BYTES
    : isImage
      ? record.size <= IMAGE_MODEL_MAX_BYTES
        ? IMAGE_MODEL_MAX_BYTES
        : 64 * 1024
      : 0;
  const { sample, size, sha256 } = await readSample(bucket, record, keep);

  let analysis: FileAnalysis;
  let embedding: AnalysisResult["embedding"] = null;
  if (isText) {
    const text = plainText(record.contentType, sample);
    if (text.length === 0) {
      analysis = { kind: "none", ...base, generative: false, reason: "The file contains no text" };
      return validated("skipped", analysis, sha256, null);
    }
    const summary = await provider.summarize(text, { maxSentences: 3 });
    const [vector] = await provider.embed([text.slice(0, 8_000)]);
    if (vector && vector.length > 0) embedding = { vector, lexical: !provider.generative };
    analysis = {
      kind: "text",
      ...base,
      generative: summary.generative,
      summary: summary.summary.slice(0, 2_000),
      keywords: summary.keywords.slice(0, 20).map((keyword: string) => keyword.slice(0, 64)),
      characters: text.length,
      truncated: size > sample.byteLength,
      embedding: embedding ? { dimensions: embedding.vector.length, lexical: embedding.lexical } : null,
    };
    return validated("ready", analysis, sha256, embedding);
  }
  if (isImage) {
    const info = readImageInfo(sample);
    if (!info) throw new PermanentAnalysisError("The image header could not be read");
    const labels =
      provider.generative && size <= IMAGE_MODEL_MAX_BYTES && sample.byteLength === size
        ? await provider.labelImage(sample)
        : [];
    analysis = {
      kind: "image",
      ...base,
      generative: labels.length > 0,
      format: info.format,
      width: info.width,
      height: info.height,
      labels: labels.slice(0, 10),
    };
    return validated("ready", analysis, sha256, null);
  }
  analysis = { kind: "none", ...base, generative: false, reason: `No analysis for ${record.contentType} files` };
  return validated("skipped", analysis, sha256, null);
}

function validated(
  status: AnalysisResult["status"],
  analysis: FileAnalysis,
  sha256: string,
  embedding: AnalysisResult["embedding"],
): AnalysisResult {
  const parsed = FileAnalysisSchema.safeParse(analysis);
  if (!parsed.success) throw new PermanentAnalysisError("The analysis produced an invalid result");
  return { status, analysis: parsed.data, sha256, embedding };
}
