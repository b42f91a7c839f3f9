// Hand validators for what models answer (records, texts, image labels, vectors): null means "unusable".
import type { ImageLabel } from "../ai-provider";

/** Labels kept from an image model, best first. */
const MAX_IMAGE_LABELS = 5;

/** Characters kept of one label. */
const MAX_LABEL_CHARS = 128;

/**
 * A plain object (not null, not an array).
 *
 * @example
 * isRecord({ summary: "x" }); // true
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `value[key]` when `value` is a plain object, else undefined.
 *
 * @example
 * field(field(choice, "delta"), "content"); // the delta's content, or undefined
 */
export function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

/**
 * The trimmed string, or null when it is not a string or only whitespace.
 *
 * @example
 * nonEmptyText("  A summary. "); // "A summary."
 */
export function nonEmptyText(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const text = value.trim();
  return text === "" ? null : text;
}

/**
 * `[{ label, score }]` with string labels and scores in [0, 1], sorted best first and cut to 5; null when
 * the output is not such an array or any item is malformed (a partly valid answer is not trusted).
 *
 * @example
 * parseImageLabels([{ label: "cat", score: 0.2 }, { label: "dog", score: 0.7 }]); // dog, then cat
 */
export function parseImageLabels(output: unknown): ImageLabel[] | null {
  if (!Array.isArray(output)) return null;
  const labels: ImageLabel[] = [];
  for (const item of output) {
    const label = nonEmptyText(field(item, "label"));
    const score = field(item, "score");
    if (label === null || typeof score !== "number" || !(score >= 0 && score <= 1)) return null;
    labels.push({ label: label.slice(0, MAX_LABEL_CHARS), score });
  }
  return labels.sort((a, b) => b.score - a.score || (a.label < b.label ? -1 : 1)).slice(0, MAX_IMAGE_LABELS);
}

/**
 * A non-empty array of finite numbers, or null.
 *
 * @example
 * parseVector([0.1, Number.NaN]); // null
 */
export function parseVector(value: unknown): number[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const vector: number[] = [];
  for (const x of value) {
    if (typeof x !== "number" || !Number.isFinite(x)) return null;
    vector.push(x);
  }
  return vector;
}

/**
 * Exactly `count` vectors of one dimension, or null.
 *
 * @example
 * parseVectors({ shape: [1, 2], data: [[0.1, 0.2]] }.data, 1); // [[0.1, 0.2]]
 */
export function parseVectors(rows: unknown, count: number): number[][] | null {
  if (!Array.isArray(rows) || rows.length !== count) return null;
  const vectors: number[][] = [];
  for (const row of rows) {
    const vector = parseVector(row);
    if (vector === null || vector.length !== (vectors[0] ?? vector).length) return null;
    vectors.push(vector);
  }
  return vectors;
}
