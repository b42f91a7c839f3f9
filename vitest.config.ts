// Tests run inside workerd with the bindings of wrangler.jsonc emulated by Miniflare.
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { UNFURL_TEST_BUNDLE } from "./test/build-unfurl.ts";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.jsonc" },
        // Offline by design: Workers AI is remote-only, so tests bind their own double for env.AI.
        remoteBindings: false,
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, ENVIRONMENT: "test", LOG_LEVEL: "warn" },
          workers: [
            {
              // The UNFURL service binding's target, built from src/unfurl by test/global-setup.ts.
              name: "outpost-unfurl",
              modules: true,
              scriptPath: UNFURL_TEST_BUNDLE,
              compatibilityDate: "2026-10-01",
              compatibilityFlags: ["nodejs_compat"],
            },
          ],
        },
      }),
    ],
    test: {
      include: ["src/**/*.test.ts", "packages/edge-kit/src/**/*.test.ts", "test/**/*.test.ts"],
      globalSetup: ["./test/global-setup.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      testTimeout: 20_000,
    },
  };
});
