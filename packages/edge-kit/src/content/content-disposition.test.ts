// Tests for contentDisposition: RFC 6266 fallback plus RFC 8187 filename*, and no header injection.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contentDisposition, sanitizeFileName } from ".";

const fallbackOf = (value: string) => /; filename="([^"]*)";/.exec(value)?.[1];
const encodedOf = (value: string) => /; filename\*=UTF-8''(.*)$/.exec(value)?.[1];

describe("contentDisposition", () => {
  it("gives plain ASCII names unchanged, inline or as an attachment", () => {
    expect(contentDisposition("inline", "a.png")).toBe(`inline; filename="a.png"; filename*=UTF-8''a.png`);
    expect(contentDisposition("attachment", "report-2024_v2.pdf")).toBe(
      `attachment; filename="report-2024_v2.pdf"; filename*=UTF-8''report-2024_v2.pdf`,
    );
  });

  it("encodes accents and CJK as UTF-8 bytes, with one _ per character in the fallback", () => {
    expect(contentDisposition("attachment", "résumé 日本.pdf")).toBe(
      `attachment; filename="r_sum_ __.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E6%97%A5%E6%9C%AC.pdf`,
    );
    expect(fallbackOf(contentDisposition("inline", "😀.png"))).toBe("_.png");
  });

  it("keeps quotes, semicolons, CRLF and an RTL override from breaking out of the header", () => {
    const hostile = 'ré"sumé;\r\nSet-Cookie: x=1; 日本\u202Efdp.exe';
    const value = contentDisposition("attachment", hostile);
    expect(value).not.toMatch(/[\r\n]/);
    expect(value).toMatch(/^[\x20-\x7e]+$/);
    expect(value.startsWith('attachment; filename="')).toBe(true);
    const fallback = fallbackOf(value) ?? "";
    expect(fallback).not.toMatch(/["\\]/);
    expect(fallback).toBe("r__sum_;Set-Cookie: x=1; __fdp.exe");
    const encoded = encodedOf(value) ?? "";
    expect(encoded).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    expect(decodeURIComponent(encoded)).toBe(sanitizeFileName(hostile));
    expect(decodeURIComponent(encoded)).toBe('ré"sumé;Set-Cookie: x=1; 日本fdp.exe');
  });

  it("replaces % in the fallback, which some browsers would percent-decode", () => {
    expect(fallbackOf(contentDisposition("attachment", "100%25.txt"))).toBe("100_25.txt");
    expect(decodeURIComponent(encodedOf(contentDisposition("attachment", "100%25.txt")) ?? "")).toBe("100%25.txt");
  });

  it("always yields one printable-ASCII value whose filename* round-trips the sanitised name", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<"inline" | "attachment">("inline", "attachment"),
        fc.string({ unit: "binary", maxLength: 120 }),
        (kind, name) => {
          const value = contentDisposition(kind, name);
          expect(value).toMatch(/^[\x20-\x7e]+$/);
          expect(value.startsWith(`${kind}; filename="`)).toBe(true);
          expect(fallbackOf(value)).toMatch(/^[\x20-\x7e]+$/);
          expect(decodeURIComponent(encodedOf(value) ?? "")).toBe(sanitizeFileName(name));
        },
      ),
      { seed: 13, numRuns: 500 },
    );
  });
});
