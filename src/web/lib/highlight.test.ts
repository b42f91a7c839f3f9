// Search snippets are cut into plain and marked pieces from the server's offsets: what is marked is exactly the
// ranges given, bad ranges never throw, and markup in the text stays text (the pieces become text nodes).
import { describe, expect, it } from "vitest";
import { highlightSegments } from "./highlight";

const marked = (text: string, ranges: [number, number][]) =>
  highlightSegments(text, ranges)
    .map((s) => (s.marked ? `[${s.text}]` : s.text))
    .join("");

describe("highlightSegments", () => {
  it("marks the given ranges and keeps the rest as plain pieces", () => {
    expect(highlightSegments("the launch plan", [[4, 10]])).toEqual([
      { text: "the ", marked: false },
      { text: "launch", marked: true },
      { text: " plan", marked: false },
    ]);
    expect(
      marked("launch plan launch", [
        [0, 6],
        [12, 18],
      ]),
    ).toBe("[launch] plan [launch]");
  });

  it("returns the whole text unmarked when nothing matched, and one empty piece for empty text", () => {
    expect(highlightSegments("no hits", [])).toEqual([{ text: "no hits", marked: false }]);
    expect(highlightSegments("", [])).toEqual([{ text: "", marked: false }]);
  });

  it("sorts, merges overlapping or touching ranges, and clamps those outside the text", () => {
    expect(
      marked("abcdefghij", [
        [6, 8],
        [1, 3],
        [2, 4],
        [4, 5],
      ]),
    ).toBe("a[bcde]f[gh]ij");
    expect(
      marked("abc", [
        [-5, 1],
        [2, 99],
      ]),
    ).toBe("[a]b[c]");
    expect(
      marked("abc", [
        [2, 2],
        [3, 1],
        [Number.NaN, 2],
        [10, 12],
      ]),
    ).toBe("abc");
  });

  it("never splits a character outside the basic plane (offsets are UTF-16 units)", () => {
    const text = "go 🚀 now";
    // 🚀 is two units, at 3 and 4: a range ending or starting inside it is widened to the whole character.
    expect(marked(text, [[3, 4]])).toBe("go [🚀] now");
    expect(marked(text, [[4, 5]])).toBe("go [🚀] now");
  });

  it("keeps markup as text: the pieces are strings for text nodes, not HTML", () => {
    const text = '<img src=x onerror="alert(1)"> <b>bold</b>';
    const pieces = highlightSegments(text, [[0, 4]]);
    expect(pieces.map((p) => p.text).join("")).toBe(text);
    expect(pieces[0]).toEqual({ text: "<img", marked: true });
  });
});
