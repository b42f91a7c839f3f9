import { describe, expect, it } from "vitest";
import { isPlainText, safeMessageUrl } from "./message-markdown";

describe("a message's Markdown rules", () => {
  it("keeps only absolute http(s) and mailto URLs", () => {
    expect(safeMessageUrl("https://example.com")).toBe("https://example.com/");
    expect(safeMessageUrl("mailto:ada@example.com")).toBe("mailto:ada@example.com");
    expect(safeMessageUrl("JAVASCRIPT:alert(1)")).toBeUndefined();
    expect(safeMessageUrl("data:text/html,hi")).toBeUndefined();
    expect(safeMessageUrl("//evil.example")).toBeUndefined();
    expect(safeMessageUrl("/relative")).toBeUndefined();
  });

  it("parses only texts Markdown would change", () => {
    expect(isPlainText("just words, nothing else: 3 of them.")).toBe(true);
    for (const text of [
      "**bold**",
      "- a list",
      "1. first",
      "see https://example.com",
      "www.example.com",
      "a\nb",
      "@Ada",
    ]) {
      expect(isPlainText(text), text).toBe(false);
    }
  });
});
