// The Metrics object's time-bucketed counters: kept per minute for the last hour, bounded, pruned.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { seriesMinute } from "../../http/metrics";
import type { Metrics } from "./metrics";

const stubFor = (name: string) => env.METRICS.get(env.METRICS.idFromName(name));

describe("Metrics object", () => {
  it("adds time-bucketed counts per minute, apart from the all-time counters", async () => {
    const stub = stubFor("timed-adds");
    const minute = seriesMinute(Date.now()) - 1;
    await stub.add({ [`at:${minute}:status:2xx`]: 2, [`at:${minute}:latency:0:GET /api/status`]: 2, "status:2xx": 2 });
    await stub.add({ [`at:${minute}:status:2xx`]: 1, [`at:${minute}:status:5xx`]: 1 });
    const window = await stub.window(minute - 10);
    expect(window.statuses).toEqual([
      { minute, name: "status:2xx", value: 3 },
      { minute, name: "status:5xx", value: 1 },
    ]);
    expect(window.latency).toEqual({ "latency:0:GET /api/status": 2 });
    expect(await stub.snapshot()).toEqual({ "status:2xx": 2 });
    expect((await stub.window(minute + 1)).statuses).toEqual([]);
  });

  it("skips counts for minutes outside the last hour and malformed timed names", async () => {
    const stub = stubFor("timed-skips");
    const now = seriesMinute(Date.now());
    const result = await stub.add({
      [`at:${now - 120}:status:2xx`]: 1,
      [`at:${now + 10}:status:2xx`]: 1,
      "at:soon:status:2xx": 1,
      [`at:${now - 1}:bogus:x`]: 1,
      [`at:${now - 1}:status:2xx`]: 1,
    });
    expect(result).toEqual({ applied: 1, skipped: 4 });
    expect((await stub.window(0)).statuses).toEqual([{ minute: now - 1, name: "status:2xx", value: 1 }]);
    expect(await stub.snapshot()).toEqual({});
  });

  it("deletes minutes older than the hour on its first write, so storage stays bounded", async () => {
    const stub = stubFor("timed-prune");
    const now = seriesMinute(Date.now());
    await runInDurableObject(stub, (_instance: Metrics, state) => {
      for (const minute of [now - 500, now - 61, now - 30]) {
        state.storage.sql.exec("INSERT INTO timed (minute, name, value) VALUES (?, 'status:2xx', 1)", minute);
      }
    });
    await stub.add({ "requests:GET /x": 1 });
    const minutes = await runInDurableObject(stub, (_instance: Metrics, state) =>
      state.storage.sql
        .exec<{ minute: number }>("SELECT minute FROM timed ORDER BY minute")
        .toArray()
        .map((row) => row.minute),
    );
    expect(minutes).toEqual([now - 30]);
  });
});
