import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError, PROBLEM_CONTENT_TYPE, problemResponse, toProblem } from ".";

describe("toProblem", () => {
  it("renders an AppError with its code, title, detail and field issues", () => {
    const problem = toProblem(
      new AppError(404, "counter-not-found", "No such counter", {
        detail: "Counter 'x' does not exist",
        errors: [{ path: "path.name", message: "bad" }],
      }),
      { requestId: "req-12345678", instance: "/counter/x" },
    );
    expect(problem).toEqual({
      type: "urn:outpost:problem:counter-not-found",
      title: "No such counter",
      status: 404,
      code: "counter-not-found",
      detail: "Counter 'x' does not exist",
      errors: [{ path: "path.name", message: "bad" }],
      requestId: "req-12345678",
      instance: "/counter/x",
    });
  });

  it("never copies the message or stack of an unexpected error into the problem", () => {
    const seed = 20261122;
    fc.assert(
      fc.property(fc.string({ minLength: 6 }), (secret) => {
        const error = new Error(`db password is ${secret}`);
        const text = JSON.stringify(toProblem(error, { requestId: "r-12345678" }));
        return !text.includes(secret) && !text.includes("stack") && text.includes('"status":500');
      }),
      { seed, numRuns: 500 },
    );
  });

  it("treats thrown non-errors (strings, objects, undefined) as a generic 500", () => {
    for (const thrown of ["boom", { message: "leak" }, undefined, 42]) {
      const problem = toProblem(thrown);
      expect(problem.status).toBe(500);
      expect(problem.code).toBe("internal");
      expect(JSON.stringify(problem)).not.toContain("leak");
    }
  });
});

describe("problemResponse", () => {
  it("sends application/problem+json, no-store, and the extra headers", async () => {
    const res = problemResponse(toProblem(new AppError(429, "rate-limited", "Slow down")), { "Retry-After": "3" });
    expect(res.status).toBe(429);
    expect(res.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Retry-After")).toBe("3");
    expect(await res.json()).toMatchObject({ status: 429, code: "rate-limited", title: "Slow down" });
  });
});
