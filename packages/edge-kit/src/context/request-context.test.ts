import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";
import {
  createContextSlot,
  createRequestContext,
  currentContext,
  requireContext,
  runWithContext,
} from "./request-context";
import { resolveRequestId } from "./request-id";

const silent = createLogger({ sink: () => {} });

describe("request context", () => {
  it("keeps concurrent requests apart across awaits", async () => {
    const seen: string[] = [];
    const handle = (id: string, delay: number) =>
      runWithContext(createRequestContext(id, silent), async () => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        seen.push(`${id}:${requireContext().requestId}`);
      });
    await Promise.all([handle("a", 15), handle("b", 1), handle("c", 8)]);
    expect(seen.sort()).toEqual(["a:a", "b:b", "c:c"]);
  });

  it("is absent outside a request, and requireContext says so", () => {
    expect(currentContext()).toBeUndefined();
    expect(() => requireContext()).toThrow(/No request context/);
  });

  it("slots hold per-request values that do not leak between requests", async () => {
    const slot = createContextSlot<number>("budget");
    const first = createRequestContext("one", silent);
    const second = createRequestContext("two", silent);
    runWithContext(first, () => slot.set(50));
    expect(slot.get(first)).toBe(50);
    expect(slot.get(second)).toBeUndefined();
    expect(runWithContext(second, () => slot.get())).toBeUndefined();
    expect(() => slot.set(1)).toThrow(/No request context/);
  });
});

describe("resolveRequestId", () => {
  it("echoes a well-formed inbound id", () => {
    expect(resolveRequestId("trace-abc-12345")).toBe("trace-abc-12345");
  });

  it("replaces missing, short, long or unsafe ids with a generated one", () => {
    const generate = () => "generated-id";
    for (const bad of [
      undefined,
      null,
      "",
      "short",
      "x".repeat(129),
      "has space 12345",
      "new\nline-1234",
      "<script>123",
    ]) {
      expect(resolveRequestId(bad, generate)).toBe("generated-id");
    }
  });
});
