// Unit tests of the import check (node --test, run by `npm run lint`): each rule refuses its violation.
import assert from "node:assert/strict";
import { test } from "node:test";
import { importsOf, violation } from "./check-imports.mjs";

const kitDeps = new Set(["zod"]);
const check = (file, specifier) => violation(file, specifier, kitDeps);

test("finds static, type-only, re-export, side-effect and dynamic imports, not strings", () => {
  const text = [
    'import { a } from "./a";',
    'import type { B } from "../b";',
    'export { c } from "./c";',
    'import "./d";',
    'const e = await import("./e");',
    'const text = "import x from \\"nowhere\\"";',
    '// import { f } from "./f";',
  ].join("\n");
  assert.deepEqual(importsOf(text), ["./a", "../b", "./c", "./d", "./e"]);
});

test("a feature reaches another only through its front door or its schemas", () => {
  const file = "src/features/assistant/assistant-tools.ts";
  assert.equal(check(file, "../files"), null);
  assert.equal(check(file, "../files/index"), null);
  assert.equal(check(file, "../rooms/rooms.schema"), null);
  assert.equal(check(file, "./assistant.schema"), null);
  assert.match(check(file, "../files/file-repository"), /past its front door/);
  assert.match(check("src/app.ts", "./features/files/files.routes"), /past its front door/);
  assert.match(check("bench/worker.ts", "../src/features/rooms/chat-room"), /past its front door/);
});

test("the kit imports nothing outside its package but declared dependencies", () => {
  const file = "packages/edge-kit/src/cache/cache-service.ts";
  assert.equal(check(file, "../errors"), null);
  assert.equal(check(file, "zod"), null);
  assert.equal(check(file, "cloudflare:workers"), null);
  assert.match(check(file, "../../../../src/http/app-env"), /outside its package/);
  assert.match(check(file, "hono"), /does not declare/);
  assert.match(check(file, "vitest"), /does not declare/);
  assert.equal(check("packages/edge-kit/src/cache/cache-service.test.ts", "vitest"), null);
  assert.equal(check("packages/edge-kit/examples/worker/src/index.ts", "@outpost/edge-kit/limiter"), null);
  assert.match(check("packages/edge-kit/examples/worker/src/index.ts", "../../../src/limiter"), /outside it/);
});

test("the app uses the kit by name, http imports no feature, the web imports schemas only", () => {
  assert.match(check("src/features/files/file-cache.ts", "../../../packages/edge-kit/src/cache"), /by path/);
  assert.match(check("src/http/metrics.ts", "../features/admin"), /plumbing/);
  assert.equal(check("src/web/pages/files-page.tsx", "../../features/files/files.schema"), null);
  assert.match(check("src/web/pages/files-page.tsx", "../../features/files"), /server code/);
});
