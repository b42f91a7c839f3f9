import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { beforeAll, describe, expect, it } from "vitest";
import { loadMarkdown, MessageMarkdown, safeMessageUrl } from "./message-markdown";

const html = (text: string) => renderToStaticMarkup(createElement(MessageMarkdown, { text }));

describe("MessageMarkdown before its renderer has loaded", () => {
  it("shows a message with markup as written (never blank), and plain text as it is", () => {
    expect(html("**bold** [x](javascript:alert(1))")).toBe(
      '<div class="md"><p class="md-pending">**bold** [x](javascript:alert(1))</p></div>',
    );
    expect(html("plain words")).toBe('<div class="md"><p>plain words</p></div>');
  });
});

describe("MessageMarkdown", () => {
  beforeAll(async () => {
    await loadMarkdown();
  });

  it("renders GitHub-flavoured Markdown, links opening in a new tab", () => {
    expect(html("**bold** and ~~gone~~")).toContain("<strong>bold</strong>");
    expect(html("see https://example.com/a")).toContain(
      '<a href="https://example.com/a" target="_blank" rel="noopener noreferrer">https://example.com/a</a>',
    );
    expect(html("[mail](mailto:ada@example.com)")).toContain('href="mailto:ada@example.com"');
  });

  it("links only http(s) and mailto URLs, shows raw HTML as text, and never loads an image", () => {
    const bad = html("[x](javascript:alert(1)) [y](data:text/html,hi) [z](/rooms/general)");
    expect(bad).not.toContain("href");
    expect(bad).toContain("<span>x</span>");
    const raw = html('<img src="https://example.com/a.png" onerror="alert(1)"><b>hi</b>');
    expect(raw).not.toContain("<img");
    expect(raw).not.toContain("<b>");
    expect(raw).toContain("&lt;b&gt;");
    const image = html("![a cat](https://example.com/cat.png)");
    expect(image).not.toContain("<img");
    expect(image).toContain(
      '<a href="https://example.com/cat.png" target="_blank" rel="noopener noreferrer" class="md-image-link">Image: a cat</a>',
    );
  });

  it("turns headings into bold lines, and shows plain text as it is", () => {
    expect(html("# Title")).toBe('<div class="md"><p class="md-heading"><strong>Title</strong></p></div>');
    expect(html("just words, nothing else: 3 of them.")).toBe(
      '<div class="md"><p>just words, nothing else: 3 of them.</p></div>',
    );
    expect(html("- a list")).toContain("<li>a list</li>");
  });

  it("keeps only absolute http(s) and mailto URLs", () => {
    expect(safeMessageUrl("https://example.com")).toBe("https://example.com/");
    expect(safeMessageUrl("JAVASCRIPT:alert(1)")).toBeUndefined();
    expect(safeMessageUrl("//evil.example")).toBeUndefined();
    expect(safeMessageUrl("/relative")).toBeUndefined();
  });
});
