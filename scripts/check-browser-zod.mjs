// The browser build resolves `@hono/zod-openapi` and `zod` to src/web/zod-browser.ts (vite.config.ts). This check
// bundles every shared schema module the UI can import with that same substitution, runs the bundle, and parses
// with the result, so a schema using a zod member the shim lacks fails here, not in a user's browser.
import { rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const shim = path.join(root, "src/web/zod-browser.ts");
const out = path.join(root, ".vitest", "browser-zod-check.mjs");
const schemas = [
  "rooms",
  "assistant",
  "files",
  "flags",
  "auth",
  "admin",
  "previews",
  "system",
  "counters",
  "inbox",
  "search",
].map((name) => path.join(root, `src/features/${name}/${name}.schema.ts`));

const substitution = {
  name: "browser-zod",
  setup(b) {
    b.onResolve({ filter: /^(@hono\/zod-openapi|zod)$/ }, (args) =>
      args.importer === shim || args.importer.includes(`${path.sep}node_modules${path.sep}`) ? null : { path: shim },
    );
  },
};

await build({
  stdin: {
    contents: `${schemas.map((file, i) => `export * as m${i} from ${JSON.stringify(file)};`).join("\n")}
export { z } from ${JSON.stringify(shim)};`,
    resolveDir: root,
    loader: "ts",
  },
  bundle: true,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  outfile: out,
  plugins: [substitution],
  logLevel: "error",
});

let failures = 0;
const fail = (message) => {
  console.error(`browser zod: ${message}`);
  failures++;
};
try {
  const bundle = await import(pathToFileURL(out).href);
  schemas.forEach((file, i) => {
    if (Object.keys(bundle[`m${i}`]).length === 0) fail(`${path.relative(root, file)} exported nothing`);
  });
  const { ServerFrameSchema } = bundle.m0;
  const typing = { type: "typing", member: { userId: "u1", displayName: "Ada" } };
  if (JSON.stringify(ServerFrameSchema.parse(typing)) !== JSON.stringify(typing)) fail("a typing frame changed");
  if (ServerFrameSchema.safeParse({ type: "typing", member: { userId: 1 } }).success) fail("a bad frame parsed");
  if (bundle.z.string().min(2).openapi({ example: "ab" }).safeParse("a").success) fail(".openapi() lost a check");
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  rmSync(out, { force: true });
}
if (failures > 0) process.exit(1);
console.log(`browser zod: ${schemas.length} shared schema modules load and parse through src/web/zod-browser.ts`);
