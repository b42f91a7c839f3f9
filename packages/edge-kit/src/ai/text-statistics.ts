// Text statistics without a model: sentences, terms, keywords, an extractive summary and a hashed embedding.

/** A compact English stopword list (function words, common verbs and fillers); its words are never terms. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a about above after again against all almost already also although always am among an and another any " +
    "are aren't around as at be because been before being below between both but by can can't cannot could " +
    "did didn't do does doesn't doing don't done down during each either else etc even ever every few for from " +
    "further get gets got had has hasn't have haven't having he her here hers herself him himself his how " +
    "however i i'm if in into is isn't it it's its itself just least less let's many may maybe me might more " +
    "most much must my myself neither never no nor not now of off often on once one only onto or other others " +
    "our ours ourselves out over own per perhaps quite rather really same says she should since so some still " +
    "such than that that's the their theirs them themselves then there there's therefore these they they're " +
    "this those though through thus to too two under until up upon us very via was wasn't we we're were what " +
    "when where whether which while who whom whose why will with within without won't would yet you you're " +
    "your yours yourself yourselves"
  ).split(" "),
);

/** Longest extractive summary, in characters. */
export const SUMMARY_MAX_CHARS = 600;

/** Dimensions of `hashedEmbedding` vectors. */
export const HASHED_EMBEDDING_DIMENSIONS = 256;

/** Abbreviations that do not end a sentence ("Dr. Smith", "e.g. Paris"), and single initials ("J. Smith"). */
const TITLE = /(?:^|[\s("'])(?:mr|mrs|ms|dr|prof|st|mt|vs|cf|e\.g|i\.e)\.$/i;
const INITIAL = /(?:^|[\s("'])\p{Lu}\.$/u;
/** Abbreviations that do not end a sentence when a number follows ("No. 5", "fig. 3", "pp. 10–12"). */
const NUMBERED = /(?:^|[\s("'])(?:no|nos|fig|figs|vol|p|pp|ch|sec|art|eq|ref|approx)\.$/i;
/** A sentence ends at . ! ? or … (then maybe a closing quote or bracket) and a space before anything but a
 * lower-case letter, or right after a CJK full stop. Decimals ("3.5") have no space, so they never split. */
const BOUNDARY = /(?<=[.!?…]["'”’)\]]*) (?!\p{Ll})|(?<=[。！？])/u;
const WORD = /[\p{L}\p{M}][\p{L}\p{M}\p{N}]*(?:['-][\p{L}\p{M}\p{N}]+)*/gu;

/**
 * Sentences in order. Blank lines (paragraph breaks) always end a sentence; abbreviations, initials and
 * decimals stay inside theirs. A heuristic for prose, English first; scripts without spaces split only at
 * their full stops.
 *
 * @example
 * splitSentences("Dr. Smith paid 3.5 euros, e.g. for tea. Then he left."); // two sentences
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const paragraph of text.split(/\n[^\S\n]*\n/)) {
    const parts = paragraph.replace(/\s+/g, " ").trim().split(BOUNDARY);
    let current = "";
    for (const [index, part] of parts.entries()) {
      current = current ? `${current} ${part.trim()}` : part.trim();
      const next = parts[index + 1];
      if (next !== undefined && (TITLE.test(current) || INITIAL.test(current))) continue;
      if (next !== undefined && NUMBERED.test(current) && /^\d/.test(next.trim())) continue;
      if (current) sentences.push(current);
      current = "";
    }
  }
  return sentences;
}

/**
 * Lower-cased words of at least 3 letters (any script), stopwords removed, possessive "'s" dropped;
 * inner hyphens and apostrophes are kept ("well-known", "o'brien").
 *
 * @example
 * terms("The team's launch is well-known."); // ["team", "launch", "well-known"]
 */
export function terms(text: string): string[] {
  const words = text.normalize("NFC").toLowerCase().replaceAll("’", "'").match(WORD) ?? [];
  const result: string[] = [];
  for (const raw of words) {
    const word = raw.endsWith("'s") ? raw.slice(0, -2) : raw;
    if (!STOPWORDS.has(word) && (word.match(/\p{L}/gu)?.length ?? 0) >= 3) result.push(word);
  }
  return result;
}

function frequencies(words: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/**
 * The `count` most frequent terms (see `terms`), ties broken alphabetically.
 *
 * @example
 * topKeywords("The launch is Tuesday. Launch checklist first.", 2); // ["launch", "checklist"]
 */
export function topKeywords(text: string, count: number): string[] {
  return [...frequencies(terms(text)).entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, Math.max(0, count))
    .map(([word]) => word);
}

/**
 * At most `maxChars` UTF-16 units of `text`, never splitting a surrogate pair.
 *
 * @example
 * truncateText("ab🌍", 3); // "ab"
 */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
  return text.slice(0, Math.max(0, end));
}

/** `text` cut to `maxChars` at a word boundary, with "…" when anything was cut. */
function clipAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = truncateText(text, maxChars - 1);
  const space = head.lastIndexOf(" ");
  return `${space > maxChars / 2 ? head.slice(0, space) : head}…`;
}

/**
 * An extractive summary: the `maxSentences` sentences scoring highest, in their original order, joined with
 * spaces and capped at 600 characters. A sentence scores the sum of its terms' frequencies in the whole
 * text (each divided by the top frequency), over the square root of its term count, so long sentences do
 * not win by length alone; ties go to the earlier sentence. Nothing is generated.
 *
 * @example
 * extractiveSummary(report, 3); // the three most central sentences of `report`
 */
export function extractiveSummary(text: string, maxSentences: number): string {
  const limit = Number.isFinite(maxSentences) ? Math.max(1, Math.floor(maxSentences)) : 3;
  const sentences = splitSentences(text);
  const counts = frequencies(terms(text));
  let top = 1;
  for (const count of counts.values()) top = Math.max(top, count);
  const ranked = sentences
    .map((sentence, index) => {
      const words = terms(sentence);
      const sum = words.reduce((total, word) => total + (counts.get(word) ?? 0) / top, 0);
      return { sentence, index, score: words.length === 0 ? 0 : sum / Math.sqrt(words.length) };
    })
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, limit);
  let summary = "";
  for (const { sentence } of [...ranked].sort((a, b) => a.index - b.index)) {
    const next = summary ? `${summary} ${sentence}` : sentence;
    if (next.length <= SUMMARY_MAX_CHARS) summary = next;
  }
  return summary || clipAtWord(ranked[0]?.sentence ?? "", SUMMARY_MAX_CHARS);
}

/**
 * A lexical, non-semantic embedding: each term (see `terms`) is hashed (32-bit FNV-1a) to one of `dimensions`
 * buckets with a hashed sign, and the vector is L2-normalised. Texts sharing words come out close; synonyms
 * do not. Deterministic across runs and isolates; a text without terms gives the zero vector.
 *
 * @example
 * hashedEmbedding("launch plan"); // 256 numbers, length 1
 */
export function hashedEmbedding(text: string, dimensions = HASHED_EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of terms(text)) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193) >>> 0;
    const index = hash % dimensions;
    vector[index] = (vector[index] ?? 0) + (hash >>> 31 === 1 ? -1 : 1);
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => value / norm);
}
