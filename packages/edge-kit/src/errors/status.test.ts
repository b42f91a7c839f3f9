import { describe, expect, it } from "vitest";
import { describeStatus, problemFromStatus } from ".";

describe("the generic problem for a status", () => {
  it("gives a 503 the code `unavailable`, so clients can tell it from an internal error", () => {
    expect(describeStatus(503)).toEqual({ code: "unavailable", title: "Service unavailable" });
    expect(describeStatus(500).code).toBe("internal");
    expect(describeStatus(599).code).toBe("internal");
    expect(problemFromStatus(503)).toMatchObject({ status: 503, code: "unavailable" });
  });
});
