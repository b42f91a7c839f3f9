// `npm run deploy`: build, create what wrangler cannot provision by itself, migrate D1, deploy both Workers.
// `npm run deploy -- --dry-run` builds and bundles both Workers without touching a Cloudflare account.
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const binDir = path.join(root, "node_modules", ".bin");
process.env.PATH = `${binDir}${path.delimiter}${process.env.PATH}`;
const dryRun = process.argv.includes("--dry-run");
const environment = process.env.CLOUDFLARE_ENV ?? "production";

function sh(command, args, { capture = false, allowFailure = false } = {}) {
  console.log(`$ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
    env: process.env,
  });
  if (result.status !== 0 && !allowFailure) {
    console.error(`deploy: '${command} ${args.join(" ")}' failed (exit ${result.status})`);
    process.exit(1);
  }
  return result;
}

// 1. An account: `wrangler login` on a laptop, or CLOUDFLARE_API_TOKEN (+ CLOUDFLARE_ACCOUNT_ID) in CI.
if (!dryRun) {
  const who = sh("wrangler", ["whoami"], { allowFailure: true });
  if (who.status !== 0) {
    console.error("deploy: not signed in to Cloudflare. Run `npx wrangler login` or set CLOUDFLARE_API_TOKEN.");
    process.exit(1);
  }
}

// 2. Queues are not auto-provisioned: create file-events and its dead-letter queue if they are missing.
if (!dryRun) {
  const listed = sh("wrangler", ["queues", "list"], { capture: true }).stdout ?? "";
  for (const queue of ["file-events", "file-events-dlq"]) {
    if (!listed.includes(queue)) sh("wrangler", ["queues", "create", queue]);
  }
}

// 3. D1: create the database if missing, then apply migrations before new code serves traffic.
if (!dryRun) {
  const databases = sh("wrangler", ["d1", "list", "--json"], { capture: true }).stdout ?? "[]";
  if (!JSON.parse(databases).some((db) => db.name === "outpost")) sh("wrangler", ["d1", "create", "outpost"]);
  sh("wrangler", ["d1", "migrations", "apply", "outpost", "--remote", "--env", environment]);
}

// 3b. Share links are signed with SHARE_LINK_SECRET, a secret that only the account can hold: refuse to
//     deploy without it (the Worker would refuse to sign links, and the development value is rejected).
if (!dryRun) {
  const secrets = sh("wrangler", ["secret", "list", "--env", environment], { capture: true, allowFailure: true });
  if (!(secrets.stdout ?? "").includes("SHARE_LINK_SECRET")) {
    console.error(
      `deploy: SHARE_LINK_SECRET is not set. Run: openssl rand -base64 48 | npx wrangler secret put SHARE_LINK_SECRET --env ${environment}`,
    );
    if (process.env.OUTPOST_ALLOW_MISSING_SECRETS !== "1") process.exit(1);
  }
}

// 4. Build UI, Worker and helper Worker with the production environment selected.
process.env.CLOUDFLARE_ENV = environment;
sh("vite", ["build"]);

// 5. The helper first (the service binding needs its target), then Outpost. KV namespaces and the R2 bucket
//    are created on first deploy by wrangler's automatic provisioning (wrangler ≥ 4.45).
const extra = dryRun ? ["--dry-run"] : [];
sh("wrangler", ["deploy", "-c", "dist/outpost_unfurl/wrangler.json", ...extra]);
sh("wrangler", ["deploy", ...extra]);
console.log(dryRun ? "deploy: dry run complete, nothing was uploaded" : "deploy: done");
