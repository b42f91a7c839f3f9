// Search snippets: the server returns plain text and the matched ranges as [start, end) offsets (UTF-16, as
// JavaScript strings count). The UI cuts the text into plain and marked pieces and renders them as text nodes and
// <mark> elements: never as HTML, so a snippet cannot inject markup.

export interface Segment {
  text: string;
  marked: boolean;
}

/**
 * Cuts `text` into pieces, marking the ranges in `highlights`. Ranges out of order, overlapping, empty or outside
 * the text are tolerated: clamped, sorted and merged (a server bug shows less highlighting, never a crash). A
 * range that would split a surrogate pair is widened to keep the character whole.
 */
export function highlightSegments(text: string, highlights: readonly (readonly [number, number])[]): Segment[] {
  const ranges: [number, number][] = [];
  for (const [rawStart, rawEnd] of highlights) {
    if (!Number.isFinite(rawStart) || !Number.isFinite(rawEnd)) continue;
    let start = Math.max(0, Math.min(text.length, Math.floor(rawStart)));
    let end = Math.max(0, Math.min(text.length, Math.floor(rawEnd)));
    if (end <= start) continue;
    if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start--;
    if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
    ranges.push([start, end]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  const segments: Segment[] = [];
  let at = 0;
  for (const [start, end] of merged) {
    if (start > at) segments.push({ text: text.slice(at, start), marked: false });
    segments.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length || segments.length === 0) segments.push({ text: text.slice(at), marked: false });
  return segments;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
