// Builds the unfurl helper Worker once before the pool starts: Miniflare's auxiliary workers need JavaScript.
import { build } from "esbuild";
import { UNFURL_TEST_BUNDLE } from "./build-unfurl.ts";

export default async function setup(): Promise<void> {
  await build({
    entryPoints: ["src/unfurl/index.ts"],
    outfile: UNFURL_TEST_BUNDLE,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["cloudflare:*", "node:*"],
    logLevel: "warning",
  });
}
