// Wraps a shared room adapter so that the load client also records when its first and last message went out
// (wall clock, written to --opt times=FILE at exit). The benchmark reads the server's CPU over exactly that
// window, so connecting and draining do not count in a message's cost. Frames and decoding are unchanged.
import { writeFileSync } from "node:fs";

export function timed(adapter) {
  let first = null;
  let last = null;
  let count = 0;
  return {
    ...adapter,
    init(ctx) {
      if (ctx.opt.times) {
        process.on("exit", () => writeFileSync(ctx.opt.times, JSON.stringify({ first, last, count })));
      }
      return adapter.init?.(ctx);
    },
    encode(token, i, ctx) {
      const now = Date.now();
      first ??= now;
      last = now;
      count++;
      return adapter.encode(token, i, ctx);
    },
  };
}
