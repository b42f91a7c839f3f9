// What people read when the API refuses: the API's own reason as sentences, never "(password.current: …)".
import { describe, expect, it } from "vitest";
import { ApiError, describeProblem, fieldLabel, OFFLINE } from "./problem";

describe("describeProblem", () => {
  it("keeps the API's reason for a duplicate email: title and detail", () => {
    expect(
      describeProblem(409, {
        code: "email-taken",
        title: "This email is already registered",
        detail: "Sign in instead, or use another email",
      }),
    ).toBe("This email is already registered. Sign in instead, or use another email.");
  });

  it("writes field problems as sentences and drops the generic validation title", () => {
    const problem = {
      code: "invalid-request",
      title: "The request is not valid",
      detail: "One or more fields are invalid",
      errors: [{ path: "body.password.current", message: "is incorrect" }],
    };
    expect(describeProblem(400, problem)).toBe("Current password is incorrect.");
    expect(new ApiError(400, problem).fieldErrors()).toEqual({ "password.current": "Current password is incorrect." });
  });

  it("names camel-cased and nested fields in words", () => {
    expect(fieldLabel("body.displayName")).toBe("display name");
    expect(fieldLabel("body.password.next")).toBe("next password");
    expect(fieldLabel("query.q")).toBe("q");
  });

  it("asks to try again with the reference for a server fault, and says when nothing answered", () => {
    expect(describeProblem(503, { title: "Service unavailable", requestId: "r-1" })).toBe(
      "Service unavailable. Please try again. Reference: r-1.",
    );
    expect(describeProblem(500, {})).toBe("Something went wrong on our side. Please try again.");
    expect(describeProblem(0, {})).toBe(OFFLINE);
  });

  it("does not repeat a detail that only restates the title", () => {
    expect(describeProblem(404, { title: "Room not found", detail: "room not found" })).toBe("Room not found.");
  });
});
