// Tests for sanitizeFileName: paths, controls, bidi and zero-width characters, length caps, idempotence.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sanitizeFileName } from ".";

// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting that no control character survives
const FORBIDDEN = /[/\\\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\u2060\ufeff]/u;
const LONE_SURROGATE = /\p{Cs}/u;
const codePoints = (value: string) => Array.from(value).length;

describe("sanitizeFileName", () => {
  it.each([
    ["../etc/passwd", "passwd"],
    ["a/b", "b"],
    ["C:\\Users\\me\\report.pdf", "report.pdf"],
    ["..\\..\\boot.ini", "boot.ini"],
    ["dir/", "file"],
    ["evil\u0000name.txt", "evilname.txt"],
    ["bell\u0007\u0085\u009fname.txt", "bellname.txt"],
    ["invoice\u202Efdp.exe", "invoicefdp.exe"],
    ["\u2066isolate\u2069\u200e\u200f\u061c.txt", "isolate.txt"],
    ["zero\u200bwidth\u200c\u200d\u2060\ufeff.txt", "zerowidth.txt"],
    ["  ..hidden  ", "hidden"],
    ["name...", "name"],
    ["tab\tand\r\nnew line.txt", "tabandnew line.txt"],
    ["many    spaces\u00a0\u3000here.txt", "many spaces here.txt"],
    ["", "file"],
    ["...", "file"],
    [" \u202e ", "file"],
    ["e\u0301te\u0301.txt", "\u00e9t\u00e9.txt"],
    ["e\u200b\u0301.txt", "\u00e9.txt"],
    ["日本語のファイル.pdf", "日本語のファイル.pdf"],
    ["😀 party.png", "😀 party.png"],
    ["lone\ud800surrogate.txt", "lonesurrogate.txt"],
  ])("%j → %j", (input, output) => {
    expect(sanitizeFileName(input)).toBe(output);
  });

  it("caps long names at 200 code points, keeping the extension and whole surrogate pairs", () => {
    const emoji = sanitizeFileName(`${"😀".repeat(300)}.jpeg`);
    expect(codePoints(emoji)).toBe(200);
    expect(emoji.endsWith("😀.jpeg")).toBe(true);
    expect(LONE_SURROGATE.test(emoji)).toBe(false);

    const ascii = sanitizeFileName(`${"n".repeat(1_000)}.txt`);
    expect(ascii).toBe(`${"n".repeat(196)}.txt`);

    // An "extension" longer than 16 code points is just part of the name.
    const noExtension = sanitizeFileName(`${"a".repeat(300)}.${"b".repeat(17)}`);
    expect(noExtension).toBe("a".repeat(200));

    // The kept extension does not follow a dangling space or dot.
    const dangling = sanitizeFileName(`${"x".repeat(194)}. ${"y".repeat(100)}.png`);
    expect(dangling).toBe(`${"x".repeat(194)}.png`);
  });

  it("never yields separators, controls, bidi or lone surrogates; 1–200 code points; idempotent", () => {
    const tricky = fc.constantFrom(
      "/",
      "\\",
      ".",
      " ",
      "\u202e",
      "\u200b",
      "\u0000",
      "\u0301",
      "e",
      "😀",
      "\ud800",
      "\t",
    );
    const names = fc.oneof(
      fc.string({ unit: "binary", maxLength: 400 }),
      fc.array(tricky, { maxLength: 260 }).map((parts) => parts.join("")),
      fc.tuple(fc.string({ maxLength: 300 }), fc.string({ maxLength: 20 })).map(([stem, ext]) => `${stem}.${ext}`),
    );
    fc.assert(
      fc.property(names, (name) => {
        const clean = sanitizeFileName(name);
        expect(FORBIDDEN.test(clean)).toBe(false);
        expect(LONE_SURROGATE.test(clean)).toBe(false);
        expect(codePoints(clean)).toBeGreaterThanOrEqual(1);
        expect(codePoints(clean)).toBeLessThanOrEqual(200);
        expect(clean).toBe(clean.normalize("NFC"));
        expect(clean).not.toMatch(/^[. ]|[. ]$|\s\s/);
        expect(sanitizeFileName(clean)).toBe(clean);
      }),
      { seed: 3, numRuns: 2_000 },
    );
  });
});
