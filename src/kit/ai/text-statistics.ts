// Extractive text statistics: sentence splitting, keyword frequencies and an extractive summary. No model.

const STOPWORDS = new Set(
  (
    "a about above after again against all also am an and any are as at be because been before being below between both but by can " +
    "could did do does doing down during each few for from further had has have having he her here hers herself him himself his how i " +
    "if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over " +
    "own same she should so some such than that the their theirs them themselves then there these they this those through to too " +
    "under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves " +
    "one two also may might must shall us upon via per etc"
  ).split(" "),
);

const ABBREVIATIONS = /\b(e\.g|i\.e|etc|vs|mr|mrs|ms|dr|prof|inc|ltd|jr|sr|st|no|fig)\.$/i;

/** Sentences, keeping abbreviations ("e.g.") and decimals ("3.5") inside their sentence. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let current = "";
  const parts = text
    .replace(/\s+/g, " ")
    .trim()
    .split(/(?<=[.!?])\s+/u);
  for (const part of parts) {
    current = current ? `${current} ${part}` : part;
    if (!ABBREVIATIONS.test(current)) {
      sentences.push(current.trim());
      current = "";
    }
  }
  if (current.trim()) sentences.push(current.trim());
  return sentences.filter((sentence) => sentence.length > 0);
}

/** Lower-cased words of at least 3 letters (any script), stopwords removed. */
export function terms(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}][\p{L}\p{N}'-]*/gu) ?? [])
    .map((word) => word.replace(/['-]+$/u, ""))
    .filter((word) => [...word].length >= 3 && !STOPWORDS.has(word));
}

function frequencies(words: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/**
 * The `count` most frequent terms, ties broken alphabetically.
 *
 * @example
 * topKeywords("The launch is Tuesday. Launch checklist first.", 2); // ["launch", "checklist"]
 */
export function topKeywords(text: string, count: number): string[] {
  return [...frequencies(terms(text)).entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([word]) => word);
}

/**
 * The `maxSentences` sentences whose terms are most frequent in the whole text (normalised by the top
 * frequency and the sentence's length), in their original order, capped at 600 characters.
 */
export function extractiveSummary(text: string, maxSentences: number): string {
  const sentences = splitSentences(text);
  if (sentences.length <= maxSentences) return sentences.join(" ").slice(0, 600);
  const counts = frequencies(terms(text));
  const top = Math.max(1, ...counts.values());
  const scored = sentences.map((sentence, index) => {
    const words = terms(sentence);
    const score = words.reduce((sum, word) => sum + (counts.get(word) ?? 0) / top, 0) / Math.sqrt(words.length || 1);
    return { sentence, index, score };
  });
  const chosen = [...scored]
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, maxSentences)
    .sort((a, b) => a.index - b.index);
  let summary = "";
  for (const { sentence } of chosen) {
    const next = summary ? `${summary} ${sentence}` : sentence;
    if (next.length > 600) break;
    summary = next;
  }
  return summary || (chosen[0]?.sentence.slice(0, 600) ?? "");
}

/** A lexical (non-semantic) embedding: terms hashed into `dimensions` buckets, L2-normalised. */
export function hashedEmbedding(text: string, dimensions = 256): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of terms(text)) {
    let hash = 2166136261;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619) >>> 0;
    const index = hash % dimensions;
    vector[index] = (vector[index] ?? 0) + ((hash >>> 31) & 1 ? -1 : 1);
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => value / norm);
}
