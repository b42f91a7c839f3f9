// The `errors` shorthands: each gives its status's code and title, the detail given, and only the headers asked for.
import { describe, expect, it } from "vitest";
import { AppError, errors, isAppError } from ".";

describe("errors shorthands", () => {
  it("unavailable() carries Retry-After only when a wait is given (0 included)", () => {
    expect(errors.unavailable("down for a moment", 30)).toMatchObject({
      status: 503,
      detail: "down for a moment",
      headers: { "Retry-After": "30" },
    });
    expect(errors.unavailable("no hint").headers).toBeUndefined();
    expect(errors.unavailable(undefined, 0).headers).toEqual({ "Retry-After": "0" });
  });

  it.each([
    [errors.badRequest("bad"), 400],
    [errors.unauthorized(), 401],
    [errors.forbidden("no"), 403],
    [errors.notFound("none"), 404],
    [errors.conflict("taken", "already there"), 409],
    [errors.payloadTooLarge(10), 413],
    [errors.unsupportedMediaType(), 415],
  ])("%o has status %i, a code, a title, and is an AppError", (error, status) => {
    expect(error).toBeInstanceOf(AppError);
    expect(isAppError(error)).toBe(true);
    expect(error.status).toBe(status);
    expect(error.code).toMatch(/^[a-z-]+$/);
    expect(error.title.length).toBeGreaterThan(0);
  });

  it("keeps the detail, the field issues and the conflict's own code", () => {
    expect(errors.unauthorized().detail).toBe("Sign in to continue");
    expect(errors.payloadTooLarge(1024).detail).toBe("The body must not exceed 1024 bytes");
    expect(errors.unsupportedMediaType("image/png").detail).toBe("Send the body as image/png");
    expect(errors.badRequest("bad", [{ path: "body.x", message: "required" }]).errors).toEqual([
      { path: "body.x", message: "required" },
    ]);
    expect(errors.conflict("name-taken", "x")).toMatchObject({ status: 409, code: "name-taken", detail: "x" });
    expect(isAppError(new Error("plain"))).toBe(false);
  });
});
