// Edges of the pacing primitives that the main tests do not reach: canSpend at the exact limit, and a queued
// lane waiter whose signal aborts (it must leave the queue and reject, not wait forever or take a slot).
import { describe, expect, it } from "vitest";
import { createLanes, createSubrequestBudget } from ".";

describe("createSubrequestBudget.canSpend", () => {
  it("allows spending up to the limit exactly, and not one more", () => {
    const budget = createSubrequestBudget({ limit: 3 });
    expect(budget.canSpend(3)).toBe(true);
    expect(budget.canSpend(4)).toBe(false);
    budget.spend("fetch", 2);
    expect(budget.canSpend()).toBe(true);
    expect(budget.canSpend(2)).toBe(false);
    budget.spend("fetch");
    expect(budget.canSpend()).toBe(false);
    expect(budget.canSpend(0)).toBe(true);
  });
});

describe("createLanes with an aborted waiter", () => {
  it("rejects a queued call whose signal aborts, removes it from the queue, and hands the slot on", async () => {
    const lanes = createLanes({ ai: 1 });
    let release!: () => void;
    const first = lanes.run("ai", () => new Promise<string>((resolve) => (release = () => resolve("first"))));
    const controller = new AbortController();
    const aborted = lanes.run("ai", async () => "never", controller.signal);
    const third = lanes.run("ai", async () => "third");
    await Promise.resolve();
    expect(lanes.waiting("ai")).toBe(2);
    controller.abort(new Error("client went away"));
    await expect(aborted).rejects.toThrow("client went away");
    expect(lanes.waiting("ai")).toBe(1);
    release();
    expect(await first).toBe("first");
    expect(await third).toBe("third");
    expect(lanes.waiting("ai")).toBe(0);
  });
});
