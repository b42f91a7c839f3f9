import { describe, expect, it } from "vitest";
import {
  extractiveSummary,
  HASHED_EMBEDDING_DIMENSIONS,
  hashedEmbedding,
  SUMMARY_MAX_CHARS,
  splitSentences,
  terms,
  topKeywords,
  truncateText,
} from ".";

const SAMPLE = `The launch review is on Tuesday at 10.30 in the north room. Dr. Okafor leads the launch review, e.g. the checklist and the rollback plan.
Coffee and pastries will be served in the kitchen. The rollback plan must be tested before the launch review; J. Park owns the test.

Every team posts its launch checklist by Monday. Parking is free on Fridays. Questions about the launch checklist go to the release channel!`;

const norm = (vector: readonly number[]) => Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe("splitSentences", () => {
  it("keeps abbreviations, initials and decimals inside their sentence", () => {
    expect(splitSentences(SAMPLE)).toEqual([
      "The launch review is on Tuesday at 10.30 in the north room.",
      "Dr. Okafor leads the launch review, e.g. the checklist and the rollback plan.",
      "Coffee and pastries will be served in the kitchen.",
      "The rollback plan must be tested before the launch review; J. Park owns the test.",
      "Every team posts its launch checklist by Monday.",
      "Parking is free on Fridays.",
      "Questions about the launch checklist go to the release channel!",
    ]);
  });

  it("handles quotes, numbered abbreviations, ellipses, ! and ?, paragraphs and CJK full stops", () => {
    expect(
      splitSentences(
        'He said "go." Then he left. Read fig. 3 now. It was 3.5 p.m. when Mr. Smith arrived… Really? Yes!\n\n' +
          "A heading without a stop\n\n今日は晴れ。明日は雨。",
      ),
    ).toEqual([
      'He said "go."',
      "Then he left.",
      "Read fig. 3 now.",
      "It was 3.5 p.m. when Mr. Smith arrived…",
      "Really?",
      "Yes!",
      "A heading without a stop",
      "今日は晴れ。",
      "明日は雨。",
    ]);
    expect(splitSentences("  \n\n ")).toEqual([]);
  });
});

describe("terms and topKeywords", () => {
  it("lower-cases words of 3+ letters in any script, drops stopwords and possessive 's", () => {
    expect(terms("The team's launch is well-known. Café naïve Ελληνικά ab abc don’t it's 42 x1y")).toEqual([
      "team",
      "launch",
      "well-known",
      "café",
      "naïve",
      "ελληνικά",
      "abc",
    ]);
  });

  it("ranks by frequency, ties alphabetically", () => {
    expect(topKeywords(SAMPLE, 8)).toEqual([
      "launch",
      "checklist",
      "review",
      "plan",
      "rollback",
      "channel",
      "coffee",
      "free",
    ]);
    expect(topKeywords("Zebra apple apple zebra the the the and mango", 3)).toEqual(["apple", "zebra", "mango"]);
    expect(topKeywords("", 8)).toEqual([]);
  });
});

describe("extractiveSummary", () => {
  it("returns the most central sentences in their original order", () => {
    expect(extractiveSummary(SAMPLE, 3)).toBe(
      "The launch review is on Tuesday at 10.30 in the north room. " +
        "Dr. Okafor leads the launch review, e.g. the checklist and the rollback plan. " +
        "The rollback plan must be tested before the launch review; J. Park owns the test.",
    );
    expect(extractiveSummary(SAMPLE, 2)).toBe(
      "Dr. Okafor leads the launch review, e.g. the checklist and the rollback plan. " +
        "The rollback plan must be tested before the launch review; J. Park owns the test.",
    );
    expect(extractiveSummary("Only one sentence here.", 3)).toBe("Only one sentence here.");
    expect(extractiveSummary("", 3)).toBe("");
  });

  it("stays within 600 characters, clipping a single huge sentence at a word", () => {
    const long = `${"launch plan ".repeat(40)}end. `.repeat(5);
    const summary = extractiveSummary(long, 3);
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(summary.endsWith("…")).toBe(true);
    expect(summary).not.toMatch(/ …$/);
    const many = Array.from({ length: 20 }, (_, i) => `Sentence ${i} talks about the launch plan at length.`);
    expect(extractiveSummary(many.join(" "), 50).length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
  });
});

describe("truncateText", () => {
  it("never splits a surrogate pair", () => {
    expect(truncateText("ab🌍cd", 3)).toBe("ab");
    expect(truncateText("ab🌍cd", 4)).toBe("ab🌍");
    expect(truncateText("abc", 10)).toBe("abc");
  });
});

describe("hashedEmbedding (lexical, not semantic)", () => {
  it("is deterministic, 256-dimensional and unit length; no terms gives the zero vector", () => {
    const a = hashedEmbedding("The launch plan for Tuesday");
    expect(a).toEqual(hashedEmbedding("the LAUNCH plan, for tuesday!"));
    expect(a).toHaveLength(HASHED_EMBEDDING_DIMENSIONS);
    expect(norm(a)).toBeCloseTo(1, 12);
    expect(hashedEmbedding("the and of")).toEqual(new Array(256).fill(0));
  });

  it("puts texts that share words closer than texts that do not", () => {
    const plan = hashedEmbedding("launch plan review checklist");
    const near = hashedEmbedding("launch checklist review");
    const far = hashedEmbedding("coffee pastries kitchen");
    expect(dot(plan, near)).toBeGreaterThan(0.5);
    expect(dot(plan, near)).toBeGreaterThan(dot(plan, far));
  });
});
