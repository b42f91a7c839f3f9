// The shared Outpost adapter (../shared/bench/adapters/outpost.mjs: same frames, same decoding), except that the
// accounts come from a file written once per benchmark (--opt tokens=FILE) instead of being registered per run:
// registering 200 accounts costs 400 password hashes, which would otherwise run inside every measured run's setup.
import { readFileSync } from "node:fs";
import shared from "./adapters/outpost.mjs";
import { timed } from "./timed.mjs";

export default timed({
  ...shared,
  name: "outpost",
  init(ctx) {
    const wsUrl = new URL(ctx.url.replaceAll("{room}", "x"));
    ctx.base = ctx.opt.http ?? `http://${wsUrl.host}`;
    ctx.tokens = JSON.parse(readFileSync(ctx.opt.tokens, "utf8"));
    ctx.seq = 0;
  },
});
