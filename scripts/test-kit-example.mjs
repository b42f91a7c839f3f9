#!/usr/bin/env node
// Packs @outpost/edge-kit, checks the tarball, installs it into packages/edge-kit/examples/worker and runs its tests.
// Proves the kit works as a consumer gets it (from the tarball, not the workspace symlink). Exits 1 on any failure.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const kit = path.join(root, "packages/edge-kit");
const example = path.join(kit, "examples/worker");
const started = Date.now();

function fail(message) {
  console.error(`test-kit-example: ${message}`);
  process.exit(1);
}

function step(message) {
  console.log(`\n▸ ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Runs a command; its output goes to the terminal unless `capture`, in which case stdout is returned. */
function run(command, args, { cwd, capture = false }) {
  const result = spawnSync(command, args, {
    cwd,
    stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
    env: { ...process.env, PWD: cwd, npm_config_update_notifier: "false", WRANGLER_SEND_METRICS: "false" },
  });
  if (result.error) fail(`${command} ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}`);
  return result.stdout;
}

// wrangler, miniflare and the vitest pool need Node 22 or later; the repo pins Node 24 as a devDependency.
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  fail(`Node ${process.version} is too old: run \`npm run test:kit-example\` (the repo's Node 24) instead.`);
}

const kitPackage = JSON.parse(readFileSync(path.join(kit, "package.json"), "utf8"));
const examplePackage = JSON.parse(readFileSync(path.join(example, "package.json"), "utf8"));

step("packing packages/edge-kit into the example folder");
for (const name of readdirSync(example)) if (name.endsWith(".tgz")) rmSync(path.join(example, name));
const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", example], { cwd: kit, capture: true }));
if (!packed?.filename) fail("npm pack did not report a tarball");
const tarball = path.join(example, packed.filename);
if (!existsSync(tarball)) fail(`npm pack reported ${packed.filename} but it is not in ${example}`);
console.log(`${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes`);
const spec = examplePackage.dependencies?.[kitPackage.name];
if (spec !== `file:./${packed.filename}`) {
  fail(`examples/worker/package.json depends on ${kitPackage.name} as "${spec}"; expected "file:./${packed.filename}"`);
}

step("checking the tarball's file list");
const files = run("tar", ["-tzf", tarball], { cwd: example, capture: true })
  .split("\n")
  .filter((line) => line !== "" && !line.endsWith("/"))
  .map((line) => line.replace(/^package\//, ""));
const problems = [];
for (const file of files.filter((name) => name.endsWith(".test.ts"))) problems.push(`ships a test file: ${file}`);
for (const file of files.filter((name) => !/^(src\/.+\.ts|README\.md|package\.json|LICENSE.*)$/.test(name))) {
  problems.push(`ships a file outside src/**/*.ts, README.md and package.json: ${file}`);
}
const entries = Object.values(kitPackage.exports).map((to) => to.replace(/^\.\//, ""));
for (const file of new Set(["README.md", "package.json", ...entries])) {
  if (!files.includes(file)) problems.push(`lacks ${file}`);
}
if (problems.length > 0) fail(`the tarball is wrong:\n  ${problems.join("\n  ")}`);
console.log(`${files.length} files: no tests; README.md and every export target (${entries.length}) present`);

step("installing the tarball into examples/worker (not the workspace)");
// A stale copy must not survive: install from this tarball, whatever npm remembers of earlier ones.
rmSync(path.join(example, "node_modules", kitPackage.name), { recursive: true, force: true });
run(
  "npm",
  [
    "install",
    "--no-save",
    "--no-package-lock",
    "--no-audit",
    "--no-fund",
    // Tooling (vitest, the plugin, wrangler) resolves from the repo root's node_modules by upward lookup.
    "--omit=dev",
    "--prefer-offline",
    "--loglevel=error",
    `./${packed.filename}`,
  ],
  { cwd: example },
);
const installed = path.join(example, "node_modules", kitPackage.name);
if (!existsSync(installed) || lstatSync(installed).isSymbolicLink() || !lstatSync(installed).isDirectory()) {
  fail(`${path.relative(root, installed)} is not a real directory: the example would test the workspace copy`);
}
const resolved = createRequire(path.join(example, "package.json")).resolve(`${kitPackage.name}/package.json`);
if (path.dirname(resolved) !== installed) fail(`${kitPackage.name} resolves to ${resolved}, not the installed tarball`);
if (!existsSync(path.join(installed, "README.md"))) fail("the installed kit has no README.md");
console.log(`${kitPackage.name} resolves to ${path.relative(root, installed)} (a real directory)`);

// The tools are the repo root's, run with this Node; nothing is fetched on the fly as `npx` might.
const fromRoot = createRequire(path.join(root, "package.json"));
const toolDir = (name) => path.dirname(fromRoot.resolve(`${name}/package.json`));

step("type-checking the example against the installed tarball (Env generated by `wrangler types`)");
const wranglerBin = path.join(toolDir("wrangler"), "bin/wrangler.js");
run(process.execPath, [wranglerBin, "types", "--config", "wrangler.jsonc"], { cwd: example, capture: true });
run(process.execPath, [path.join(toolDir("typescript"), "bin/tsc"), "--noEmit", "-p", "tsconfig.json"], {
  cwd: example,
});

step("running the example's tests inside workerd (vitest + @cloudflare/vitest-plugin)");
// --config: the example's own config, so neither the root's config nor the root's tests are picked up.
const vitest = path.join(toolDir("vitest"), "vitest.mjs");
run(process.execPath, [vitest, "run", "--config", path.join(example, "vitest.config.ts")], { cwd: example });

step("bundling the example as `wrangler deploy` would (esbuild over the kit's TypeScript source)");
const outdir = mkdtempSync(path.join(tmpdir(), "kit-example-"));
try {
  run(process.execPath, [wranglerBin, "deploy", "--dry-run", "--outdir", outdir, "--config", "wrangler.jsonc"], {
    cwd: example,
  });
  const bundle = path.join(outdir, "index.js");
  if (!existsSync(bundle)) fail("wrangler deploy --dry-run wrote no index.js");
  console.log(`bundle: ${(statSync(bundle).size / 1024).toFixed(0)} KiB before compression`);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

step("done");
