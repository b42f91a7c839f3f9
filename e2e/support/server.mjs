// The app server fixture: the real dev server (`vite dev` with the Worker in workerd, as `npm run dev` runs it), on a
// free 127.0.0.1 port with a fresh persisted-state directory of its own. e2e/run.mjs starts one for every journey and
// passes its address in E2E_BASE_URL; a journey run alone (`node --test e2e/journeys/x.test.mjs`) starts its own.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startDevServer } from "../../scripts/dev-server.mjs";

/** The one email that becomes admin at registration (the app's ADMIN_EMAIL var), so any journey can be the admin. */
export const ADMIN_EMAIL = "e2e-admin@example.com";

/**
 * Worker vars for the e2e server. ADMIN_EMAIL: journeys share a server in any order, so "the first user to
 * register is admin" cannot be relied on. RATE_LIMITS: every journey registers and signs in from 127.0.0.1, more
 * often than the per-IP auth allowance (30 a minute) lets one address; nothing here tests the limits themselves.
 */
export const E2E_VARS = {
  ADMIN_EMAIL,
  RATE_LIMITS: JSON.stringify({
    api: { limit: 600, periodSeconds: 60 },
    auth: { limit: 1000, periodSeconds: 60 },
    "login-account": { limit: 100, periodSeconds: 900 },
  }),
};

/**
 * The server the journeys talk to: E2E_BASE_URL when set (E2E_FRESH=1 says it was started empty for this run, so
 * journeys may use plain names), else a new dev server, stopped and its state removed by `stop()`.
 * @returns {Promise<{ base: string, fresh: boolean, stop: () => Promise<void>, output: () => string }>}
 */
export async function startAppServer() {
  const external = process.env.E2E_BASE_URL;
  if (external) {
    return {
      base: external.replace(/\/+$/, ""),
      fresh: process.env.E2E_FRESH === "1",
      stop: async () => {},
      output: () => "",
    };
  }
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "outpost-e2e-"));
  const server = await startDevServer("state", { stateDir, vars: E2E_VARS });
  return {
    base: server.base,
    fresh: true,
    output: server.output,
    async stop() {
      server.stop();
      // Wait for Vite and workerd to exit before removing the state they write to.
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(-server.pid, 0);
        } catch {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
