// Runs the browser journeys (e2e/journeys/*.test.mjs) under node:test, one after another, against one dev server
// started here (its address goes to each journey in E2E_BASE_URL): `npm run test:e2e`, or only some journeys with
// `npm run test:e2e -- rooms files`. A journey also runs alone, with a server of its own:
// `npx node --test e2e/journeys/rooms.test.mjs`. Screenshots go to e2e/screenshots/.
// Environment: E2E_AXE=report logs accessibility violations instead of failing on them; E2E_BASE_URL uses a server
// that is already running (with ADMIN_EMAIL set as in e2e/support/server.mjs); CHROMIUM_PATH another Chromium.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { requireBrowser } from "./support/browser.mjs";
import { startAppServer } from "./support/server.mjs";

const dir = path.join(import.meta.dirname, "journeys");
// node --test runs the files in alphabetical order, one at a time; each journey is independent of the others.
const found = readdirSync(dir)
  .filter((file) => file.endsWith(".test.mjs"))
  .map((file) => file.slice(0, -".test.mjs".length))
  .sort();
const wanted = process.argv.slice(2).map((arg) => path.basename(arg).replace(/\.test\.mjs$/, ""));
const unknown = wanted.filter((name) => !found.includes(name));
if (unknown.length) {
  console.error(`e2e: no journey ${unknown.join(", ")}; the journeys are: ${found.join(", ")}`);
  process.exit(2);
}
const journeys = wanted.length ? found.filter((name) => wanted.includes(name)) : found;

try {
  requireBrowser();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

const started = Date.now();
const server = await startAppServer();
console.log(
  `e2e: ${journeys.join(", ")} against ${server.base} (ready in ${Math.round((Date.now() - started) / 1000)} s)`,
);
const child = spawn(
  process.execPath,
  [
    "--test",
    "--test-concurrency=1",
    "--test-reporter=spec",
    ...journeys.map((name) => path.join(dir, `${name}.test.mjs`)),
  ],
  {
    stdio: "inherit",
    env: { ...process.env, E2E_BASE_URL: server.base, E2E_FRESH: server.fresh ? "1" : "0" },
  },
);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => child.kill(signal));
}
const code = await new Promise((resolve) => child.once("exit", (exitCode) => resolve(exitCode ?? 1)));
await server.stop();
console.log(`e2e: ${code === 0 ? "passed" : "failed"} in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(code);
