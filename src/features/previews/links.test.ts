// Which links of a message get a preview: only what the WHATWG URL parser accepts as http(s), normalised, deduplicated.
import { describe, expect, it } from "vitest";
import { linksIn, MAX_LINK_LENGTH, MAX_LINKS, normaliseLink } from "./links";
import { HttpUrlSchema } from "./previews.schema";

describe("linksIn", () => {
  it.each([
    ["look http://[ here", []],
    ["http://a%zz.example/x", []],
    ["http://[::1", []],
    ["see http://[::1]/ and http://[fe80::1%25eth0]/", []],
    ["javascript:alert(1) and JAVASCRIPT://%0Aalert(1)", []],
    ["data:text/html,<b>x</b> file:///etc/passwd ftp://example.com/", []],
    ["http:// alone, https://, http:///path", []],
    ["http://exa mple.com/", ["http://exa/"]],
    ["https://user:secret@example.com/", []],
    ["https://bücher.example/straße", ["https://xn--bcher-kva.example/stra%C3%9Fe"]],
    ["HTTPS://EXAMPLE.COM:443/A", ["https://example.com/A"]],
    ["http://0x7f.1/ and http://2130706433/", ["http://127.0.0.1/"]],
    [
      "See https://example.com/a, and (https://example.org/b). Also ftp://x.y!",
      ["https://example.com/a", "https://example.org/b"],
    ],
    ["https://example.com/a?!.,:;*_~", ["https://example.com/a"]],
    [
      "https://en.wikipedia.org/wiki/Foo_(bar) and [https://example.com/x]",
      ["https://en.wikipedia.org/wiki/Foo_(bar)", "https://example.com/x"],
    ],
    ['"https://example.com/q" and <https://example.com/r>', ["https://example.com/q", "https://example.com/r"]],
    [
      "https://example.com/a https://EXAMPLE.com/a https://example.com:443/a https://example.com/a#",
      ["https://example.com/a", "https://example.com/a#"],
    ],
  ] as const)("%j → %j", (text, expected) => {
    expect(linksIn(text)).toEqual(expected);
  });

  it("keeps brackets that are matched inside the link and drops the ones that close outside it", () => {
    expect(linksIn("(see https://example.com/a_(b)) and [https://example.com/c]]")).toEqual([
      "https://example.com/a_(b)",
      "https://example.com/c",
    ]);
    expect(linksIn(`http://a.example${")".repeat(3_000)}`)).toEqual(["http://a.example/"]);
  });

  it("leaves out a link longer than 2 048 characters rather than cutting it", () => {
    expect(linksIn(`see https://example.com/${"a".repeat(2_100)} now`)).toEqual([]);
  });

  it(`keeps at most ${MAX_LINKS} (or the given max), counting each distinct link once, in order`, () => {
    const text =
      "https://a.example/ https://a.example/ http://[ https://b.example/ https://c.example/ https://d.example/";
    expect(linksIn(text)).toEqual(["https://a.example/", "https://b.example/", "https://c.example/"]);
    expect(linksIn(text, 2)).toEqual(["https://a.example/", "https://b.example/"]);
    expect(linksIn(text, 0)).toEqual([]);
  });

  it("gives only links that the frame schema, and so every client, accepts", () => {
    const hostile = [
      "look http://[ here",
      "http://a%zz.example/x",
      "http://[::1",
      "http://%zz/ http://a..b/ http://xn--/ http://example.com%2F@x/ http://ex\u0000ample.com/",
      "https://bücher.example/ http://۱۲۳.example/ http://example.com./ http://a_b.example.com/",
    ];
    for (const text of hostile) {
      for (const href of linksIn(text, 10)) {
        expect(HttpUrlSchema.safeParse(href).success, href).toBe(true);
        expect(new URL(href).href).toBe(href);
      }
    }
  });
});

describe("normaliseLink", () => {
  it.each([
    "http://[::1]/",
    "https://[2606:4700:4700::1111]/",
    "ftp://example.com/",
    "javascript:alert(1)",
    "data:text/html,x",
    "https://:pw@example.com/",
    "http://[",
    "http://a%zz.example/x",
    "example.com/a",
  ])("refuses %s", (raw) => {
    expect(normaliseLink(raw)).toBeNull();
  });

  it("takes a link of exactly 2 048 characters and refuses one longer, counted after normalising", () => {
    const base = "https://example.com/";
    const exact = base + "a".repeat(MAX_LINK_LENGTH - base.length);
    expect(normaliseLink(exact)).toBe(exact);
    expect(normaliseLink(`${exact}a`)).toBeNull();
    // 400 characters as written, 2 420 once "é" is percent-encoded.
    expect(normaliseLink(base + "é".repeat(400))).toBeNull();
    expect(normaliseLink(base + "é".repeat(300))).toBe(base + "%C3%A9".repeat(300));
    // What counts is the normalised href: a default port dropped can bring a longer text under the limit.
    expect(normaliseLink(`https://example.com:443/${exact.slice(base.length)}`)).toBe(exact);
  });
});
