// One dev server for UI and API: Vite serves the React app, @cloudflare/vite-plugin runs the Worker (and the
// unfurl helper) in workerd with emulated bindings persisted under .wrangler/.

import path from "node:path";
import { cloudflare } from "@cloudflare/vite-plugin";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * In the browser bundle only, the shared zod schemas get src/web/zod-browser.ts in place of `@hono/zod-openapi`
 * and `zod` (see that file: it saves the browser about 67 KB gzipped). The Worker keeps the real modules.
 */
function browserZod(): Plugin {
  const shim = path.resolve(import.meta.dirname, "src/web/zod-browser.ts");
  return {
    name: "outpost:browser-zod",
    enforce: "pre",
    applyToEnvironment: (environment) => environment.name === "client",
    resolveId(id, importer) {
      if (!importer || importer === shim || importer.includes("/node_modules/")) return null;
      return id === "@hono/zod-openapi" || id === "zod" ? shim : null;
    },
  };
}

function varOverrides(): Record<string, string> {
  const parsed: unknown = JSON.parse(process.env.OUTPOST_VARS ?? "{}");
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("OUTPOST_VARS: not an object");
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
}

export default defineConfig({
  plugins: [
    browserZod(),
    react(),
    cloudflare({
      configPath: "./wrangler.jsonc",
      // OUTPOST_VARS (a JSON object) overrides some of the Worker's vars for one run, e.g. the benchmarks'
      // {"LOG_LEVEL":"warn"}.
      config: (worker) => (process.env.OUTPOST_VARS ? { vars: { ...worker.vars, ...varOverrides() } } : {}),
      auxiliaryWorkers: [{ configPath: "./src/unfurl/wrangler.jsonc" }],
      // Offline by default: Workers AI is remote-only, so development uses AI_PROVIDER=offline.
      remoteBindings: false,
      inspectorPort: false,
      // The smoke test (scripts/smoke.mjs) runs against its own state directory.
      persistState: process.env.OUTPOST_PERSIST ? { path: process.env.OUTPOST_PERSIST } : true,
    }),
  ],
  server: { host: "127.0.0.1", port: 5173, strictPort: false },
  preview: { host: "127.0.0.1", port: 4173 },
  build: { outDir: "dist" },
});
