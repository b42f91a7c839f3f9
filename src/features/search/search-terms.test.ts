// Query sanitising and snippets: words only, FTS5 syntax never reaches FTS5 unquoted, offsets always in bounds.
import { env } from "cloudflare:test";
import { isWellFormedText } from "@outpost/edge-kit/text";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findFiles } from "./file-hits";
import { SEARCH_TERMS_MAX, SNIPPET_MAX } from "./search.schema";
import { ftsMatch, likePattern, searchTerms, snippetOf } from "./search-terms";

/** Strings made of FTS5 syntax, words and odd characters: what a hostile or careless query looks like. */
const hostile = fc.string({
  unit: fc.constantFrom(
    '"',
    "*",
    "NEAR",
    "NEAR/3",
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    ":",
    "^",
    "-",
    "+",
    "{",
    "}",
    " ",
    "%",
    "_",
    "\\",
    "'",
    "\u0000",
    "\u200d",
    "a",
    "Zebra",
    "é",
    "e\u0301",
    "漢字",
    "😀",
    "١٢٣",
    "name:",
  ),
  maxLength: 40,
});
const anyText = fc.oneof(hostile, fc.string({ maxLength: 200 }), fc.string({ unit: "grapheme", maxLength: 60 }));

describe("searchTerms", () => {
  it.each([
    ['launch" NEAR(plan* OR x:y', ["launch", "plan", "x", "y"]],
    ['"unbalanced', ["unbalanced"]],
    ["AND OR NOT NEAR", []],
    ["and or not near", ["and", "or", "not", "near"]],
    ['"" * ( ) : ^ - + { }', []],
    ["Zebra zebra ZEBRA", ["Zebra"]],
    ["café-crème 2024", ["café", "crème", "2024"]],
    ["漢字 ١٢٣", ["漢字", "١٢٣"]],
    ["a b c d e f g h i j", ["a", "b", "c", "d", "e", "f", "g", "h"]],
    ["x".repeat(60), ["x".repeat(48)]],
    ["é".repeat(30), ["é".repeat(24)]],
    [`${"😀a".repeat(3)}${"漢".repeat(20)}`, ["a", `a${"漢".repeat(15)}`]],
  ])("%j → %j", (query, terms) => {
    expect(searchTerms(query)).toEqual(terms);
  });

  it("keeps only letters and digits, at most SEARCH_TERMS_MAX distinct words, never an operator", () => {
    fc.assert(
      fc.property(anyText, (query) => {
        const terms = searchTerms(query);
        expect(terms.length).toBeLessThanOrEqual(SEARCH_TERMS_MAX);
        for (const term of terms) {
          expect(term).toMatch(/^[\p{L}\p{N}]+$/u);
          expect(new TextEncoder().encode(likePattern(term)).length).toBeLessThanOrEqual(50);
          expect(["AND", "OR", "NOT", "NEAR"]).not.toContain(term);
        }
        expect(new Set(terms.map((t) => t.toLowerCase())).size).toBe(terms.length);
      }),
      { numRuns: 500, seed: 1414 },
    );
  });
});

describe("ftsMatch", () => {
  it("quotes every term and makes the last a prefix", () => {
    expect(ftsMatch(["launch", "plan"])).toBe('"launch" OR "plan"*');
  });

  it("never makes FTS5 or LIKE throw, whatever the query", async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (query) => {
        const terms = searchTerms(query);
        if (terms.length === 0) return;
        // The real file search on the real index: production's tokenizer, FTS5 parser and LIKE limits.
        await expect(findFiles(env.DB, "nobody", terms, 5)).resolves.toEqual([]);
      }),
      { numRuns: 300, seed: 2121 },
    );
  });
});

describe("likePattern", () => {
  it("escapes LIKE's wildcards and its escape character", () => {
    expect(likePattern("50%_off\\")).toBe("%50\\%\\_off\\\\%");
  });
});

describe("snippetOf", () => {
  it("returns a short text whole, with every match highlighted case-insensitively", () => {
    const snippet = snippetOf("The Launch plan: launch on Tuesday", ["launch"]);
    expect(snippet.text).toBe("The Launch plan: launch on Tuesday");
    expect(snippet.highlights).toEqual([
      [4, 10],
      [17, 23],
    ]);
  });

  it("cuts a long text around the first match, with ellipses and shifted offsets", () => {
    const text = `${"lorem ipsum ".repeat(40)}the quokka smiles ${"dolor sit ".repeat(40)}`;
    const snippet = snippetOf(text, ["quokka"]);
    expect(snippet.text.length).toBeLessThanOrEqual(SNIPPET_MAX);
    expect(snippet.text.startsWith("…")).toBe(true);
    expect(snippet.text.endsWith("…")).toBe(true);
    const [range] = snippet.highlights;
    expect(range && snippet.text.slice(range[0], range[1])).toBe("quokka");
  });

  it("collapses white space (markdown line breaks) and prefers the longest term where terms overlap", () => {
    const snippet = snippetOf("plan\n\n  planning", ["plan", "planning"]);
    expect(snippet.text).toBe("plan planning");
    expect(snippet.highlights).toEqual([
      [0, 4],
      [5, 13],
    ]);
  });

  it("keeps offsets in bounds, ordered, non-overlapping, on the terms, never splitting a surrogate pair", () => {
    const words = fc.constantFrom("plan", "Zebra", "😀", "漢字", "x", "ünï");
    const source = fc.array(fc.oneof(words, fc.string({ maxLength: 30 }), fc.constant(" ")), { maxLength: 80 });
    fc.assert(
      fc.property(source, fc.array(words, { minLength: 1, maxLength: 3 }), (parts, terms) => {
        const snippet = snippetOf(parts.join(""), terms);
        expect(snippet.text.length).toBeLessThanOrEqual(SNIPPET_MAX);
        expect(isWellFormedText(snippet.text)).toBe(true);
        let last = 0;
        for (const [start, end] of snippet.highlights) {
          expect(start).toBeGreaterThanOrEqual(last);
          expect(end).toBeGreaterThan(start);
          expect(end).toBeLessThanOrEqual(snippet.text.length);
          const marked = snippet.text.slice(start, end).toLowerCase();
          expect(terms.some((t) => t.toLowerCase().includes(marked))).toBe(true);
          last = end;
        }
      }),
      { numRuns: 500, seed: 3030 },
    );
  });
});
