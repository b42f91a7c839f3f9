#!/usr/bin/env node
// The layering rules, checked over the import graph (run by `npm run lint`); exits 1 on any violation:
// 1. the edge kit (packages/edge-kit) imports nothing outside its own folder but its declared dependencies;
// 2. the app reaches the kit only by its package name, never by a relative path;
// 3. a feature reaches another feature only through its front door (`index.ts`) or its wire schemas
//    (`*.schema.ts`: zod only, shared with the UI); app wiring and benchmarks follow the same rule;
// 4. src/http is plumbing shared by features and imports none of them;
// 5. the web app imports feature schemas only, never server code.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SOURCE = /\.(ts|tsx|mts|mjs)$/;
const SKIP_DIRS = new Set(["node_modules", "dist", ".wrangler", ".vitest", "results", "screenshots"]);
const IMPORT =
  /^\s*(?:import|export)\s[^;]*?\bfrom\s*["']([^"'\n]+)["']|\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)|^\s*import\s+["']([^"'\n]+)["']/gm;
const KIT = "packages/edge-kit";
const KIT_TEST_TOOLS = new Set(["vitest", "fast-check"]);

/** Every import specifier in `text` (static, re-export, side-effect and dynamic imports). */
export function importsOf(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  return [...code.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function walk(root, dir, out) {
  for (const name of readdirSync(path.join(root, dir))) {
    if (SKIP_DIRS.has(name) || name.startsWith(".")) continue;
    const rel = path.posix.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) walk(root, rel, out);
    else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

/** The repository-relative file a relative specifier points at, without its extension. */
function target(file, specifier) {
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(SOURCE, "");
}

const featureOf = (rel) => /^src\/features\/([^/]+)\//.exec(`${rel}/`)?.[1] ?? null;

/** The rule `file` breaks by importing `specifier`, or null. `kitDeps`: packages the kit may import. */
export function violation(file, specifier, kitDeps) {
  const relative = specifier.startsWith(".");
  const to = relative ? target(file, specifier) : null;
  if (file.startsWith(`${KIT}/examples/`)) {
    // The example installs the kit from its tarball, as a stranger would: by package name only.
    return relative && !to.startsWith(`${KIT}/examples/`)
      ? "the kit's example imports a file outside it: use @outpost/edge-kit/<module>"
      : null;
  }
  if (file.startsWith(`${KIT}/`)) {
    if (relative) return to.startsWith(`${KIT}/`) ? null : "the edge kit imports a file outside its package";
    const bare = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
    if (/^(cloudflare|node):/.test(specifier) || kitDeps.has(bare)) return null;
    if (KIT_TEST_TOOLS.has(bare) && /\.test\.ts$/.test(file)) return null;
    return `the edge kit imports "${specifier}", which its package.json does not declare`;
  }
  if (!relative) return null;
  if (to.startsWith(`${KIT}/`) || to === KIT)
    return "the app imports the edge kit by path: use @outpost/edge-kit/<module>";
  if (file.startsWith("test/")) return null; // cross-feature fixtures may set up any feature's state
  const from = featureOf(file);
  const into = featureOf(to);
  if (file.startsWith("src/http/") && into) return "src/http imports a feature: plumbing must not depend on features";
  if (file.startsWith("src/web/")) {
    return into && !to.endsWith(".schema") ? "the web app imports server code: only *.schema.ts is shared" : null;
  }
  if (!into || into === from) return null;
  const door = `src/features/${into}`;
  if (to === door || to === `${door}/index` || (to.endsWith(".schema") && path.posix.dirname(to) === door)) return null;
  return `reaches into feature "${into}" past its front door: import from "${path.posix.relative(path.posix.dirname(file), door)}"`;
}

export function checkImports(root) {
  const kitPackage = JSON.parse(readFileSync(path.join(root, KIT, "package.json"), "utf8"));
  const kitDeps = new Set([
    ...Object.keys(kitPackage.dependencies ?? {}),
    ...Object.keys(kitPackage.peerDependencies ?? {}),
  ]);
  const files = ["src", "packages", "bench", "test", "scripts", "e2e"].flatMap((dir) => {
    try {
      return walk(root, dir, []);
    } catch {
      return [];
    }
  });
  const problems = [];
  for (const file of files) {
    for (const specifier of importsOf(readFileSync(path.join(root, file), "utf8"))) {
      const reason = violation(file, specifier, kitDeps);
      if (reason) problems.push(`${file}: "${specifier}": ${reason}`);
    }
  }
  return { files: files.length, problems };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const { files, problems } = checkImports(root);
  for (const problem of problems) console.error(problem);
  console.log(`import check: ${files} files, ${problems.length} violation${problems.length === 1 ? "" : "s"}`);
  process.exit(problems.length ? 1 : 0);
}
