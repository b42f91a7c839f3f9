// `npm run bench -- bundle`: what each page of the web app makes the browser download. Builds the client with
// Vite (production), then for each page sums the page's own chunk and every chunk it imports statically,
// transitively, plus the entry and its static imports: the JavaScript needed before the page can render.
// Sizes are raw and gzip (zlib level 9, as a CDN would serve). Writes bench/results/bundle.json.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const root = path.resolve(import.meta.dirname, "..");
const assets = path.join(root, "dist/client/assets");
/** Page name in the report → the module file name in src/web/pages (Vite names each lazy chunk after it). */
const PAGES = {
  home: "home-page",
  "sign in": "sign-in-page",
  rooms: "rooms-page",
  room: "room-page",
  files: "files-page",
  assistant: "assistant-page",
  settings: "settings-page",
  admin: "admin-page",
};
/** The first page's budget, from the web-app issue: at most 150 KB of JavaScript, gzipped. */
const FIRST_PAGE_BUDGET_GZIP = 150 * 1024;

export async function run() {
  const build = spawnSync(path.join(root, "node_modules/.bin/vite"), ["build", "--logLevel", "warn"], {
    cwd: root,
    stdio: "inherit",
  });
  if (build.status !== 0) throw new Error("vite build failed");
  const files = readdirSync(assets).filter((f) => f.endsWith(".js"));
  const html = readFileSync(path.join(root, "dist/client/index.html"), "utf8");
  const entry = /src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error("no entry script in dist/client/index.html");

  const sizes = new Map();
  const size = (file) => {
    if (!sizes.has(file)) {
      const bytes = readFileSync(path.join(assets, file));
      sizes.set(file, { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
    }
    return sizes.get(file);
  };
  /** The chunk and everything it imports statically (`import … from "./x.js"`), not dynamic import(). */
  const closure = (start, seen = new Set()) => {
    if (seen.has(start)) return seen;
    seen.add(start);
    const code = readFileSync(path.join(assets, start), "utf8");
    for (const [, dep] of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) closure(dep, seen);
    return seen;
  };
  const total = (set) =>
    [...set].reduce((sum, file) => ({ raw: sum.raw + size(file).raw, gzip: sum.gzip + size(file).gzip }), {
      raw: 0,
      gzip: 0,
    });
  const base = closure(entry);
  const pages = {};
  for (const [name, module] of Object.entries(PAGES)) {
    const chunk = files.find((f) => f.startsWith(`${module}-`));
    if (!chunk) throw new Error(`no chunk for ${module}`);
    const set = closure(chunk, new Set(base));
    const sum = total(set);
    pages[name] = { chunk, rawKB: +(sum.raw / 1024).toFixed(1), gzipKB: +(sum.gzip / 1024).toFixed(1) };
  }
  const shell = total(base);
  const report = {
    benchmark: "bundle",
    date: new Date().toISOString(),
    method:
      "vite build (production); per page: the entry chunk and the page's lazy chunk with their static imports, transitively; gzip level 9",
    shell: { entry, rawKB: +(shell.raw / 1024).toFixed(1), gzipKB: +(shell.gzip / 1024).toFixed(1) },
    pages,
    firstPageBudgetKB: FIRST_PAGE_BUDGET_GZIP / 1024,
    withinBudget: Object.fromEntries(
      Object.entries(pages).map(([name, p]) => [name, p.gzipKB * 1024 <= FIRST_PAGE_BUDGET_GZIP]),
    ),
  };
  writeFileSync(path.join(root, "bench/results/bundle.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.table(Object.fromEntries(Object.entries(pages).map(([n, p]) => [n, { raw: p.rawKB, gzip: p.gzipKB }])));
}
