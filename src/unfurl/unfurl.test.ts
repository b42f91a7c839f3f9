// The unfurl helper: which URLs it refuses, and how it fetches (redirects, timeouts, byte caps, metadata).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fetchPreview } from "./fetch-preview";
import { checkUrl } from "./url-policy";

describe("checkUrl", () => {
  it.each([
    "http://127.0.0.1/",
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.8/",
    "http://172.20.1.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://localhost/",
    "http://printer.local/",
    "http://db.internal/",
    "http://intranet/",
    "file:///etc/passwd",
    "ftp://example.com/",
    "javascript:alert(1)",
    "https://user:secret@example.com/",
    "https://example.com:8443/",
    `https://example.com/${"a".repeat(2_100)}`,
  ])("refuses %s", (url) => {
    expect(checkUrl(url).ok).toBe(false);
  });

  it.each(["https://example.com/post?id=1", "http://news.example.org:80/", "https://[2606:4700:4700::1111]/"])(
    "accepts %s",
    (url) => {
      expect(checkUrl(url).ok).toBe(true);
    },
  );
});

const PAGE = `<!doctype html><html><head><title> Plain title </title>
<meta property="og:title" content="The launch plan">
<meta property="og:description" content="Everything about Tuesday's launch.">
<meta property="og:image" content="/img/cover.png">
<meta property="og:site_name" content="Example News">
</head><body>hello</body></html>`;

function html(body: BodyInit, init: ResponseInit = {}) {
  return new Response(body, { ...init, headers: { "Content-Type": "text/html; charset=utf-8", ...init.headers } });
}

describe("fetchPreview", () => {
  it("reads Open Graph metadata and resolves the image against the page", async () => {
    const result = await fetchPreview("https://example.com/post", { fetch: async () => html(PAGE) });
    expect(result).toEqual({
      ok: true,
      preview: {
        url: "https://example.com/post",
        title: "The launch plan",
        description: "Everything about Tuesday's launch.",
        image: "https://example.com/img/cover.png",
        siteName: "Example News",
      },
    });
  });

  it("falls back to <title> and the host name", async () => {
    const result = await fetchPreview("https://example.com/", {
      fetch: async () => html("<title>Just a title</title>"),
    });
    expect(result).toMatchObject({
      ok: true,
      preview: { title: "Just a title", siteName: "example.com", image: null },
    });
  });

  it("re-checks every redirect and refuses one into a private address", async () => {
    const seen: string[] = [];
    const result = await fetchPreview("https://example.com/a", {
      fetch: async (input) => {
        seen.push(String(input));
        return new Response(null, { status: 302, headers: { Location: "http://169.254.169.254/latest/meta-data" } });
      },
    });
    expect(result).toEqual({ ok: false, reason: "private address" });
    expect(seen).toEqual(["https://example.com/a"]);
  });

  it("answers a redirect to a URL that does not parse with a refusal, never a throw", async () => {
    for (const location of ["http://[", "http://a%zz.example/x", "https://exa mple.com/"]) {
      const result = await fetchPreview("https://example.com/a", {
        fetch: async () => new Response(null, { status: 302, headers: { Location: location } }),
      });
      expect(result, location).toEqual({ ok: false, reason: "not a URL" });
    }
  });

  it("leaves out an image URL too long to keep whole, rather than cutting it", async () => {
    const long = `https://example.com/${"i".repeat(2_100)}.png`;
    const result = await fetchPreview("https://example.com/p", {
      fetch: async () => html(`<meta property="og:title" content="T"><meta property="og:image" content="${long}">`),
    });
    expect(result).toMatchObject({ ok: true, preview: { title: "T", image: null } });
  });

  it("stops after three redirects", async () => {
    let hops = 0;
    const result = await fetchPreview("https://example.com/0", {
      fetch: async () => new Response(null, { status: 301, headers: { Location: `https://example.com/${++hops}` } }),
    });
    expect(result).toEqual({ ok: false, reason: "too many redirects" });
    expect(hops).toBe(4);
  });

  it("reads at most the byte cap of a huge page, then cancels it", async () => {
    let pulled = 0;
    let cancelled = false;
    const chunk = new TextEncoder().encode(`${PAGE}${" ".repeat(64 * 1024)}`);
    const huge = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
        if (pulled > 50 * 1024 * 1024) controller.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    const result = await fetchPreview("https://example.com/big", {
      fetch: async () => html(huge),
      maxBytes: 256 * 1024,
    });
    expect(result).toMatchObject({ ok: true, preview: { title: "The launch plan" } });
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(1024 * 1024);
  });

  it("gives up on an upstream that hangs, at the timeout", async () => {
    const started = Date.now();
    const result = await fetchPreview("https://example.com/slow", {
      timeoutMs: 100,
      fetch: (_input, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(new Error("aborted")))),
    });
    expect(result).toEqual({ ok: false, reason: "timed out" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("refuses pages that are not HTML and failed answers", async () => {
    expect(
      await fetchPreview("https://example.com/x.pdf", {
        fetch: async () => new Response("%PDF", { headers: { "Content-Type": "application/pdf" } }),
      }),
    ).toEqual({
      ok: false,
      reason: "not an HTML page",
    });
    expect(await fetchPreview("https://example.com/gone", { fetch: async () => html("", { status: 404 }) })).toEqual({
      ok: false,
      reason: "answered 404",
    });
  });
});

describe("the UNFURL service binding", () => {
  it("refuses private targets over RPC without fetching", async () => {
    expect(await env.UNFURL.preview("http://127.0.0.1:8787/api/status")).toMatchObject({ ok: false });
    expect(await env.UNFURL.preview("http://169.254.169.254/")).toEqual({ ok: false, reason: "private address" });
  });
});
