import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { linkPreview } from "./link-previews";

/** A KV namespace that records each write's TTL. */
function recordingKv() {
  const ttls: number[] = [];
  const kv = new Proxy(env.CACHE, {
    get(target, property) {
      if (property === "put") {
        return (key: string, value: string, options?: KVNamespacePutOptions) => {
          if (key.includes(":previews:")) ttls.push(options?.expirationTtl ?? -1);
          return target.put(key, value, options);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { kv, ttls };
}

function unfurlDouble(answer: unknown) {
  const calls: string[] = [];
  return {
    calls,
    binding: {
      preview: async (url: string) => {
        calls.push(url);
        return answer;
      },
    },
  };
}

describe("linkPreview", () => {
  it("caches a preview for a day and serves it again without calling the service", async () => {
    const { kv, ttls } = recordingKv();
    const unfurl = unfurlDouble({
      ok: true,
      preview: { url: "https://example.com/a", title: "A", description: null, image: null, siteName: "example.com" },
    });
    const testEnv = { CACHE: kv, UNFURL: unfurl.binding } as unknown as Env;
    expect(await linkPreview(testEnv, "https://example.com/a")).toMatchObject({ title: "A" });
    expect(await linkPreview(testEnv, "https://example.com/a")).toMatchObject({ title: "A" });
    expect(unfurl.calls).toHaveLength(1);
    expect(ttls).toEqual([86_400]);
  });

  it("caches a miss for 5 minutes (never less than KV's 60 s)", async () => {
    const { kv, ttls } = recordingKv();
    const unfurl = unfurlDouble({ ok: false, reason: "unreachable" });
    const testEnv = { CACHE: kv, UNFURL: unfurl.binding } as unknown as Env;
    expect(await linkPreview(testEnv, "https://dead.example.com/")).toBeNull();
    expect(await linkPreview(testEnv, "https://dead.example.com/")).toBeNull();
    expect(unfurl.calls).toHaveLength(1);
    expect(ttls).toEqual([300]);
  });

  it("goes through the real service binding, which refuses private addresses", async () => {
    expect(await linkPreview(env, "http://169.254.169.254/latest")).toBeNull();
  });
});

describe("linkPreview with a service answer that does not hold", () => {
  it.each([
    ["a page URL that does not parse", { url: "http://[", image: null }],
    ["an image that is not http(s)", { url: "https://example.com/p", image: "javascript:alert(1)" }],
    ["an image URL that does not parse", { url: "https://example.com/p", image: "http://a%zz.example/x.png" }],
  ])("gives no preview for %s", async (_what, urls) => {
    const unfurl = unfurlDouble({
      ok: true,
      preview: { ...urls, title: "T", description: null, siteName: "example.com" },
    });
    const testEnv = { CACHE: env.CACHE, UNFURL: unfurl.binding } as unknown as Env;
    expect(await linkPreview(testEnv, `https://example.com/odd-${urls.url.length}-${String(urls.image)}`)).toBeNull();
    expect(unfurl.calls).toHaveLength(1);
  });
});
