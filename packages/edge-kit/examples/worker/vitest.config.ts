// Runs src/**/*.test.ts inside workerd, with the bindings of this example's wrangler.jsonc emulated by Miniflare.
import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: path.join(import.meta.dirname, "wrangler.jsonc") },
      // Everything here is local (a Durable Object and KV): never reach for a Cloudflare account.
      remoteBindings: false,
    }),
  ],
  test: {
    root: import.meta.dirname,
    include: ["src/**/*.test.ts"],
    testTimeout: 20_000,
  },
});
