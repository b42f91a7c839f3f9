#!/usr/bin/env node
// Mutation testing for the edge kit and the security-critical feature modules.
//
// StrykerJS cannot drive the @cloudflare/vitest-plugin workers pool, so this script does the same job in a
// small way: it parses each target file with the TypeScript compiler, generates one-token mutants (operators
// below), writes one mutant at a time into the tree, re-runs the test files that cover it (same module
// directory, importers, and EXTRA_TESTS) through ONE long-lived Vitest instance (Vitest's Node API: no
// config, esbuild or global-setup cost per mutant; the pool still starts workerd once per test file, so a
// mutant costs ~5–30 s on 2 busy CPUs), stops at the first failing test (bail), restores the file, and
// records killed / survived / timeout. The JSON report is rewritten after every mutant.
//
// It WRITES INTO THE TREE IT RUNS ON. Run it on a copy when others are editing the checkout:
//   mkdir /tmp/mut && tar -C . --exclude=./node_modules --exclude=./.git --exclude=./dist -cf - . | tar -C /tmp/mut -xf -
//   ln -s "$PWD/node_modules" /tmp/mut/node_modules
//   nice -n 10 node scripts/mutate.mjs --root /tmp/mut --sample 200 --seed 13 --out bench/results/mutation.json
// Every file is restored after each mutant and on SIGINT/SIGTERM.
//
// Options: --root DIR (default: the repo this script lives in) · --files GLOB (repeatable; default: the
// targets below) · --sample N --seed S (a reproducible random sample of the mutants; default: all) ·
// --out FILE (JSON report; default bench/results/mutation.json under the repo this script lives in) ·
// --list (print mutants, run nothing) · --include-slow (also run the slow soak tests, e.g. the loss test) ·
// --timeout-factor F (a run slower than F × the baseline, min 60 s, is a timeout; default 3) ·
// --only REPORT.json (re-run just that report's survivors, e.g. after adding tests) · --no-baseline (trust
// that the covering tests pass unmutated; the default runs them once first and leaves out any that fail) ·
// --skip-tests GLOB (never run these test files, e.g. one that fails unmutated) · --continue (keep the results
// already in --out and run only the rest; the report is rewritten after every mutant, so a run can be stopped).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** What is mutated by default: the kit, and auth, file access and share links, room storage and resume, SSRF policy. */
export const DEFAULT_TARGETS = [
  "packages/edge-kit/src/**/*.ts",
  "src/features/auth/{csrf.middleware,session.middleware,guards,login-limits,auth.routes,sessions.routes,users.service}.ts",
  "src/features/files/{file-repository,file-content,share-links,share-links.routes,file-uploads.routes,file-multipart}.ts",
  "src/features/rooms/{message-store,chat-room,room-tickets,room-sockets}.ts",
  "src/unfurl/url-policy.ts",
];
/** Never targets: tests, test doubles, barrels, declarations. */
const NOT_TARGETS = [/\.test\.ts$/, /\.d\.ts$/, /\/test-support\//, /\/testing\//, /\/index\.ts$/, /\/examples\//];
/** Soak tests too slow to run per mutant (the loss test takes ~60 s); `--include-slow` adds them back. */
const SLOW_TESTS = [/\.loss\.test\.ts$/];
/** Tests that cover a directory through HTTP rather than by import. */
const EXTRA_TESTS = [
  [/^src\/features\/auth\//, ["test/authorization-matrix.test.ts"]],
  [/^src\/features\/files\//, ["test/authorization-matrix.test.ts"]],
];

/**
 * Mutants judged equivalent (no behaviour a client could observe changes), excluded with the reason.
 * Matched on file, operator and the original → replacement text, plus a snippet of the line.
 */
const EQUIVALENT = [
  {
    file: "packages/edge-kit/src/crypto/encoding.ts",
    line: '"===".slice(',
    operator: "empty-string",
    original: '"==="',
    reason:
      "atob() decodes unpadded base64 (the forgiving-base64 algorithm), and lengths ≡ 1 mod 4 are refused before: the padding changes no result",
  },
  {
    file: "src/unfurl/url-policy.ts",
    line: '[1] ?? "0", 16)',
    original: '"0"',
    reason: "the fallback after a mandatory regex group (there for noUncheckedIndexedAccess) is never used",
  },
  {
    file: "src/unfurl/url-policy.ts",
    line: '[2] ?? "0", 16)',
    original: '"0"',
    reason: "the fallback after a mandatory regex group (there for noUncheckedIndexedAccess) is never used",
  },
  {
    file: "src/features/rooms/chat-room.ts",
    line: "const safeCode = code === 1005",
    reason:
      "the code the room echoes when a client closes is not observable by that client in workerd (its close event carries its own code); only 1005/1006 matter, and workerd refuses to send those either way",
  },
];

// ---------------------------------------------------------------------------------------------- options
function parseArgs(argv) {
  const opts = { files: [], sample: 0, seed: 1, timeoutFactor: 3, list: false, includeSlow: false, skipTests: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === "--root") opts.root = path.resolve(next());
    else if (a === "--files") opts.files.push(next());
    else if (a === "--sample") opts.sample = Number(next());
    else if (a === "--seed") opts.seed = Number(next());
    else if (a === "--out") opts.out = next();
    else if (a === "--timeout-factor") opts.timeoutFactor = Number(next());
    else if (a === "--list") opts.list = true;
    else if (a === "--include-slow") opts.includeSlow = true;
    else if (a === "--only") opts.only = path.resolve(next());
    else if (a === "--no-baseline") opts.noBaseline = true;
    else if (a === "--continue") opts.continue = true;
    else if (a === "--skip-tests") opts.skipTests.push(next());
    else if (a === "--help" || a === "-h") {
      console.log(
        fs
          .readFileSync(fileURLToPath(import.meta.url), "utf8")
          .split("\n")
          .slice(1, 21)
          .join("\n"),
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  opts.root ??= HERE;
  opts.out = path.resolve(opts.out ?? path.join(HERE, "bench/results/mutation.json"));
  if (opts.files.length === 0) opts.files = DEFAULT_TARGETS;
  return opts;
}

// ---------------------------------------------------------------------------------------------- mutants
const BOUNDARY = { "<": "<=", "<=": "<", ">": ">=", ">=": ">" };
const FLIP = { "<": ">=", "<=": ">", ">": "<=", ">=": "<", "===": "!==", "!==": "===", "==": "!=", "!=": "==" };
const LOGICAL = { "&&": "||", "||": "&&" };
/** Calls whose string arguments are prose (titles, details, logs): emptying them is not a realistic bug. */
const PROSE_CALLEE =
  /(?:^|\.)(?:log|info|warn|error|debug|describe|openapi|AppError|Error|TypeError|RangeError|problem)$/;
const PROSE_KEYS = new Set(["detail", "title", "description", "message", "summary", "example"]);

function inTypePosition(node) {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isTypeNode(n) || ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) return true;
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || ts.isEnumMember(n)) return true;
    if (ts.isLiteralTypeNode(n)) return true;
  }
  return false;
}

function isProseString(node) {
  const p = node.parent;
  if (!p) return true;
  if (ts.isPropertyAssignment(p) && p.name === node) return true; // a key, not a value
  if (ts.isPropertyAssignment(p) && PROSE_KEYS.has(p.name.getText())) return true;
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && PROSE_CALLEE.test(p.expression.getText())) {
    // AppError(status, code, title, …): the code (2nd) is behaviour, the title is prose.
    const args = p.arguments ?? [];
    const i = args.indexOf(node);
    if (/AppError$/.test(p.expression.getText()) && i === 1) return false;
    return true;
  }
  if (ts.isElementAccessExpression(p) || ts.isLiteralTypeNode(p)) return false;
  if (ts.isExpressionStatement(p)) return true; // "use strict" and the like
  // Empty strings, and text with spaces (SQL, prose, headers' free text): emptying these is not a one-token bug.
  if (node.text.length === 0 || /\s/.test(node.text)) return true;
  return false;
}

function functionReturnsValue(fn) {
  let value = false;
  const visit = (n) => {
    if (value) return;
    if (n !== fn && (ts.isFunctionLike(n) || ts.isClassLike(n))) return;
    if (ts.isReturnStatement(n) && n.expression) value = true;
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(fn, visit);
  return value;
}

/** All mutants of one file: { file, line, col, start, end, original, replacement, operator }. */
export function mutantsOf(file, text) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out = [];
  const add = (node, replacement, operator, start = node.getStart(sf), end = node.getEnd()) => {
    const original = text.slice(start, end);
    if (original === replacement) return;
    const { line, character } = sf.getLineAndCharacterOfPosition(start);
    out.push({ file, line: line + 1, col: character + 1, start, end, original, replacement, operator });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.getText(sf);
      const tok = node.operatorToken;
      if (BOUNDARY[op]) add(tok, BOUNDARY[op], "boundary");
      if (FLIP[op]) add(tok, FLIP[op], "flip-comparison");
      if (LOGICAL[op]) add(tok, LOGICAL[op], "flip-logical");
    }
    if ((ts.isIfStatement(node) || ts.isWhileStatement(node)) && node.expression) {
      add(node.expression, `!(${node.expression.getText(sf)})`, "negate-condition");
    }
    if (ts.isConditionalExpression(node)) add(node.condition, `!(${node.condition.getText(sf)})`, "negate-condition");
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      add(node, node.operand.getText(sf), "negate-condition");
    }
    if (node.kind === ts.SyntaxKind.TrueKeyword && !inTypePosition(node)) add(node, "false", "boolean");
    if (node.kind === ts.SyntaxKind.FalseKeyword && !inTypePosition(node)) add(node, "true", "boolean");
    if (ts.isExpressionStatement(node)) {
      const e = ts.isAwaitExpression(node.expression) ? node.expression.expression : node.expression;
      const inner = ts.isVoidExpression(e) ? e.expression : e;
      if (ts.isCallExpression(inner) && inner.expression.kind !== ts.SyntaxKind.SuperKeyword) {
        const callee = inner.expression.getText(sf);
        if (!/^console\.|(?:^|\.)(?:log|debug|info|warn)$/.test(callee)) add(node, ";", "remove-call");
      }
    }
    if (ts.isNumericLiteral(node) && !inTypePosition(node) && !ts.isPropertyName?.(node)) {
      const p = node.parent;
      if (!(p && (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.name === node)) {
        const v = Number(node.text);
        if (Number.isFinite(v)) {
          add(node, `(${v + 1})`, "number+1");
          add(node, `(${v - 1})`, "number-1");
        }
      }
    }
    if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      !inTypePosition(node) &&
      !isProseString(node)
    ) {
      add(node, '""', "empty-string");
    }
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node)) &&
      node.body &&
      ts.isBlock(node.body) &&
      node.body.statements.length > 0 &&
      !functionReturnsValue(node)
    ) {
      const first = node.body.statements[0];
      add(first, `return; ${first.getText(sf)}`, "return-early");
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  // One mutant per (position, replacement).
  const seen = new Set();
  return out.filter((m) => {
    const key = `${m.start}:${m.end}:${m.replacement}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function equivalence(m, lineText) {
  return EQUIVALENT.find(
    (e) =>
      m.file === e.file &&
      (!e.operator || e.operator === m.operator) &&
      lineText.includes(e.line) &&
      (!e.original || e.original === m.original) &&
      (!e.replacement || e.replacement === m.replacement),
  );
}

/** Mulberry32: the sample is the same for the same seed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------- test map
function allTests(root) {
  return fs
    .globSync(["src/**/*.test.ts", "packages/edge-kit/src/**/*.test.ts", "test/**/*.test.ts"], { cwd: root })
    .map((f) => f.split(path.sep).join("/"))
    .sort();
}

/** The test files that cover `file`: those that import it, those in its module directory, and EXTRA_TESTS. */
function coveringTests(root, file, tests, includeSlow) {
  const noExt = file.replace(/\.ts$/, "");
  const importers = tests.filter((t) => {
    const src = fs.readFileSync(path.join(root, t), "utf8");
    for (const [, spec] of src.matchAll(/from\s+["']([^"']+)["']/g)) {
      if (!spec.startsWith(".")) continue;
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(t), spec)).replace(/\.ts$/, "");
      if (resolved === noExt) return true;
    }
    return false;
  });
  const dir = file.startsWith("packages/edge-kit/src/")
    ? file.split("/").slice(0, 4).join("/")
    : path.posix.dirname(file);
  const near = tests.filter((t) => t.startsWith(`${dir}/`));
  const extra = EXTRA_TESTS.flatMap(([re, list]) => (re.test(file) ? list : []));
  const all = [...new Set([...importers, ...near, ...extra])].filter((t) => tests.includes(t));
  return all.filter((t) => includeSlow || !SLOW_TESTS.some((re) => re.test(t)));
}

// ---------------------------------------------------------------------------------------------- runner
async function startVitest(root) {
  const { createVitest } = await import(path.join(root, "node_modules/vitest/dist/node.js"));
  const vitest = await createVitest("test", {
    root,
    watch: false,
    reporters: [{ onInit() {} }],
    bail: 1,
    silent: true,
  });
  return vitest;
}

/** Runs `files` in one Vitest run (stopping at the first failure when `bail`); passed, failed or timeout. */
async function runFiles(vitest, root, files, timeoutMs, bail) {
  const specs = [];
  for (const f of files) {
    const abs = path.join(root, f);
    const found = await vitest.getModuleSpecifications(abs);
    specs.push(...(found.length > 0 ? found : [vitest.projects[0].createSpecification(abs)]));
  }
  vitest.config.bail = bail ? 1 : 0;
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ status: "timeout", modules: [] }), timeoutMs);
  });
  const run = vitest.runTestSpecifications(specs, false).then((r) => {
    // Vitest's state keeps every module it ever ran: only this run's files count.
    const rel = (m) => path.relative(root, m.moduleId).split(path.sep).join("/");
    const modules = r.testModules.filter((m) => files.includes(rel(m)));
    if (modules.length === 0) throw new Error(`no test module ran for ${files.join(", ")}`);
    const failed = modules.filter((m) => !m.ok() && m.state() !== "skipped").map(rel);
    const status = failed.length > 0 || r.unhandledErrors.length > 0 ? "failed" : "passed";
    return { status, failed, modules };
  });
  const result = await Promise.race([run, timeout]);
  clearTimeout(timer);
  if (result.status === "timeout") {
    await vitest.cancelCurrentRun("keyboard-input").catch(() => {});
    await run.catch(() => {});
  }
  return result;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const root = opts.root;
  process.chdir(root);
  const targets = [...new Set(fs.globSync(opts.files, { cwd: root }).map((f) => f.split(path.sep).join("/")))]
    .filter((f) => f.endsWith(".ts") && !NOT_TARGETS.some((re) => re.test(`/${f}`)))
    .sort();
  const tests = allTests(root);
  let mutants = [];
  const excluded = [];
  const coverage = new Map();
  for (const file of targets) {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const lines = text.split("\n");
    coverage.set(file, coveringTests(root, file, tests, opts.includeSlow));
    for (const m of mutantsOf(file, text)) {
      const eq = equivalence(m, lines[m.line - 1] ?? "");
      if (eq) excluded.push({ ...pick(m), reason: eq.reason });
      else mutants.push(m);
    }
  }
  const total = mutants.length;
  if (opts.sample > 0 && opts.sample < mutants.length) {
    const rand = rng(opts.seed);
    const shuffled = mutants.map((m) => [rand(), m]).sort((a, b) => a[0] - b[0]);
    // Kept in random order: a run stopped early is still a random sample.
    mutants = shuffled.slice(0, opts.sample).map(([, m]) => m);
  }
  if (opts.only) {
    const previous = JSON.parse(fs.readFileSync(opts.only, "utf8"));
    const keys = new Set(previous.survivors.map((r) => `${r.file}:${r.line}:${r.col}:${r.operator}:${r.replacement}`));
    const full = new Map(
      previous.survivors.map((r) => [`${r.file}:${r.line}:${r.col}:${r.operator}:${r.replacement}`, r]),
    );
    mutants = [...targets.flatMap((file) => mutantsOf(file, fs.readFileSync(path.join(root, file), "utf8")))].filter(
      (m) => keys.has(`${m.file}:${m.line}:${m.col}:${m.operator}:${shortText(m.replacement)}`) && full.size > 0,
    );
  }
  console.log(`${targets.length} files, ${total} mutants, running ${mutants.length}`);
  if (opts.list) {
    for (const m of mutants) console.log(`${m.file}:${m.line}:${m.col} ${m.operator} ${m.original} → ${m.replacement}`);
    return;
  }

  // Restore on interrupt: never leave a mutant in the tree.
  const originals = new Map();
  const restoreAll = () => {
    for (const [file, text] of originals) fs.writeFileSync(path.join(root, file), text);
  };
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
      restoreAll();
      process.exit(130);
    });
  }

  const results = [];
  const keyOf = (m) => `${m.file}:${m.line}:${m.col}:${m.operator}:${shortText(m.replacement)}`;
  if (opts.continue && fs.existsSync(opts.out)) {
    const done = JSON.parse(fs.readFileSync(opts.out, "utf8")).results ?? [];
    const before = mutants.length;
    mutants = mutants.filter((m) => {
      const prior = done.find((r) => keyOf(r) === keyOf(m));
      if (prior) results.push(prior);
      return !prior;
    });
    console.log(`continuing: ${before - mutants.length} already done, ${mutants.length} to run`);
  }
  const vitest = await startVitest(root);
  const baseline = new Map();
  const started = Date.now();
  try {
    // Baseline: every covering file once, in one run; a file that fails unmutated is left out (and reported).
    const skipped = new Set(opts.skipTests.flatMap((g) => fs.globSync(g, { cwd: root })));
    const needed = [...new Set(mutants.flatMap((m) => coverage.get(m.file) ?? []))].filter((t) => !skipped.has(t));
    const t0 = Date.now();
    if (opts.noBaseline) {
      for (const t of needed) baseline.set(t, { ok: true });
    } else {
      const base = await runFiles(vitest, root, needed, 3_600_000, false);
      for (const t of needed) {
        const mod = base.modules.find((m) => path.relative(root, m.moduleId).split(path.sep).join("/") === t);
        baseline.set(t, { ok: Boolean(mod?.ok()) });
        if (!mod?.ok()) console.log(`baseline: ${t} FAILED unmutated; left out`);
      }
    }
    // A run's wall time is mostly starting workerd for each file: the timeout is per file, not per test.
    const perFileMs = opts.noBaseline ? 15_000 : Math.max(5_000, (Date.now() - t0) / Math.max(1, needed.length));
    console.log(`baseline: ${needed.length} test files, ${Math.round(perFileMs / 1000)} s a file`);
    let i = 0;
    for (const m of mutants) {
      i++;
      const files = (coverage.get(m.file) ?? []).filter((t) => baseline.get(t)?.ok);
      const record = { ...pick(m), tests: files };
      if (files.length === 0) {
        results.push({ ...record, status: "no-coverage" });
        console.log(`[${i}/${mutants.length}] NO TESTS ${fmt(m)}`);
        continue;
      }
      const abs = path.join(root, m.file);
      const text = originals.get(m.file) ?? fs.readFileSync(abs, "utf8");
      originals.set(m.file, text);
      fs.writeFileSync(abs, text.slice(0, m.start) + m.replacement + text.slice(m.end));
      vitest.invalidateFile(abs);
      const t0 = Date.now();
      let status = "survived";
      let killedBy = null;
      try {
        const limit = Math.max(60_000, opts.timeoutFactor * perFileMs * files.length);
        const r = await runFiles(vitest, root, files, limit, true);
        if (r.status === "timeout") status = "timeout";
        else if (r.status === "failed") {
          status = "killed";
          killedBy = r.failed;
        }
      } finally {
        fs.writeFileSync(abs, text);
        vitest.invalidateFile(abs);
      }
      results.push({ ...record, status, killedBy, ms: Date.now() - t0 });
      writeReport(opts, results, { total, targets, excluded, started, complete: false });
      console.log(`[${i}/${mutants.length}] ${status.toUpperCase()} ${fmt(m)} (${Date.now() - t0} ms)`);
    }
  } finally {
    restoreAll();
    await vitest.close();
  }

  writeReport(opts, results, { total, targets, excluded, started, complete: true });
}

function writeReport(opts, results, { total, targets, excluded, started, complete }) {
  const count = (s) => results.filter((r) => r.status === s).length;
  const killed = count("killed");
  const timeouts = count("timeout");
  const survived = count("survived");
  const noCoverage = count("no-coverage");
  const scored = killed + timeouts + survived + noCoverage;
  const report = {
    date: new Date().toISOString(),
    command: `node scripts/mutate.mjs ${process.argv.slice(2).join(" ")}`,
    complete,
    seed: opts.seed,
    sample: opts.sample || null,
    totalMutants: total,
    ran: results.length,
    score: scored ? Math.round(((killed + timeouts) / scored) * 1000) / 10 : null,
    killed,
    timeouts,
    survived,
    noCoverage,
    minutes: Math.round((Date.now() - started) / 6000) / 10,
    targets,
    excludedAsEquivalent: excluded,
    survivors: results.filter((r) => r.status === "survived" || r.status === "no-coverage").map(short),
    results: results.map(short),
  };
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
  if (complete) {
    console.log(
      `mutation score ${report.score} % — ${killed} killed, ${timeouts} timeouts, ${survived} survived, ` +
        `${noCoverage} without tests, of ${scored} (report: ${path.relative(process.cwd(), opts.out)})`,
    );
  }
}

function pick(m) {
  return {
    file: m.file,
    line: m.line,
    col: m.col,
    operator: m.operator,
    original: m.original,
    replacement: m.replacement,
  };
}
function shortText(t) {
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
}
function short(r) {
  const original = r.original.length > 80 ? `${r.original.slice(0, 77)}...` : r.original;
  const replacement = r.replacement.length > 80 ? `${r.replacement.slice(0, 77)}...` : r.replacement;
  return { ...r, where: `${r.file}:${r.line}:${r.col}`, original, replacement };
}
function fmt(m) {
  const o = m.original.length > 40 ? `${m.original.slice(0, 37)}...` : m.original;
  const r = m.replacement.length > 40 ? `${m.replacement.slice(0, 37)}...` : m.replacement;
  return `${m.file}:${m.line}:${m.col} ${m.operator}: ${JSON.stringify(o)} → ${JSON.stringify(r)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
