// A room message's Markdown: links safe and marked nofollow, raw HTML never HTML, images never loaded, mentions
// highlighted (more strongly for the reader), code styled as code.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { beforeAll, describe, expect, it } from "vitest";
import { chatMessage } from "./chat-message.fixture";
import { type MentionNames, mentionNames } from "./mentions";
import { loadMessageText, MessageText } from "./message-text";

const ada = { userId: "ada", displayName: "Ada Lovelace" };
const bob = { userId: "bob", displayName: "Bob" };
const html = (text: string, mentions: MentionNames | null = null) =>
  renderToStaticMarkup(createElement(MessageText, { text, mentions }));

describe("MessageText", () => {
  beforeAll(async () => {
    await loadMessageText();
  });

  it("opens links in a new tab with rel noopener noreferrer nofollow", () => {
    expect(html("see [docs](https://example.com/a) and https://example.org")).toContain(
      '<a href="https://example.com/a" target="_blank" rel="noopener noreferrer nofollow">docs</a>',
    );
    expect(html("see https://example.org/x")).toContain(
      '<a href="https://example.org/x" target="_blank" rel="noopener noreferrer nofollow">',
    );
    expect(html("[mail](mailto:ada@example.com)")).toContain('href="mailto:ada@example.com"');
  });

  it("makes only http(s) and mailto URLs links: javascript:, data: and relative ones are their text", () => {
    const bad = html("[x](javascript:alert(1)) [y](data:text/html,hi) [z](/rooms/general) [w](JaVaScRiPt:alert(1))");
    expect(bad).not.toContain("href");
    expect(bad).not.toMatch(/javascript:/i);
    expect(bad).toContain("<span>x</span>");
    expect(bad).toContain("<span>w</span>");
  });

  it("shows raw HTML as text and never loads an image (a link to it instead)", () => {
    const raw = html('<img src="https://example.com/a.png" onerror="alert(1)"><script>alert(1)</script> **b**');
    expect(raw).not.toContain("<img");
    expect(raw).not.toContain("<script");
    expect(raw).toContain("&lt;script&gt;");
    const image = html("![a cat](https://example.com/cat.png)");
    expect(image).not.toContain("<img");
    expect(image).toContain(
      '<a href="https://example.com/cat.png" target="_blank" rel="noopener noreferrer nofollow" class="md-image-link">Image: a cat</a>',
    );
    expect(html("![x](javascript:alert(1))")).not.toContain("href");
  });

  it("renders code, fenced code blocks, lists, quotes and emphasis", () => {
    const out = html("**bold** _it_ `code`\n\n```js\nlet a = 1;\n```\n\n- one\n- two\n\n> quoted");
    expect(out).toContain("<strong>bold</strong>");
    expect(out).toContain("<em>it</em>");
    expect(out).toContain("<code>code</code>");
    expect(out).toContain('<pre><code class="language-js">let a = 1;\n</code></pre>');
    expect(out).toContain("<li>one</li>");
    expect(out).toContain("<blockquote>");
    // A message adds nothing to the page's outline: headings are bold lines.
    expect(html("# Title")).toContain('<p class="md-heading"><strong>Title</strong></p>');
  });

  it("highlights mentions, the reader's more strongly, and leaves code and links alone", () => {
    const message = chatMessage(1, { mentions: [ada, bob], mentionsRoom: false });
    const forAda = mentionNames(message, ada);
    const out = html("hi @Ada Lovelace and @bob, not `@Bob` nor [@Bob](https://example.com)", forAda);
    expect(out).toContain('<span class="mention mine">@Ada Lovelace</span>');
    expect(out).toContain('<span class="mention">@bob</span>');
    expect(out).toContain("<code>@Bob</code>");
    expect(out).toContain('rel="noopener noreferrer nofollow">@Bob</a>');
    // Someone else reading: no mention is theirs.
    expect(html("hi @Ada Lovelace", mentionNames(message, { userId: "cy", displayName: "Cy" }))).toContain(
      '<span class="mention">@Ada Lovelace</span>',
    );
  });

  it("highlights @room for everyone as theirs, and names the room did not resolve stay plain", () => {
    const message = chatMessage(1, { mentions: [], mentionsRoom: true });
    const out = html("@room look, @nobody", mentionNames(message, bob));
    expect(out).toContain('<span class="mention mine">@room</span>');
    expect(out).toContain("@nobody");
    expect(out).not.toContain('<span class="mention">@nobody');
  });

  it("shows plain words as they are, without the Markdown renderer", () => {
    expect(html("just words, nothing else: 3 of them.")).toBe(
      '<div class="md"><p>just words, nothing else: 3 of them.</p></div>',
    );
  });
});
