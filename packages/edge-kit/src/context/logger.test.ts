import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = (line: string) => lines.push(JSON.parse(line));
  return { lines, sink };
}

const now = () => new Date("2026-01-02T03:04:05.000Z");

describe("createLogger", () => {
  it("writes one JSON line per event with level, time, message and base fields", () => {
    const { lines, sink } = capture();
    createLogger({ sink, now, fields: { requestId: "r1" } }).info("hello", { n: 1 });
    expect(lines).toEqual([{ level: "info", time: "2026-01-02T03:04:05.000Z", msg: "hello", requestId: "r1", n: 1 }]);
  });

  it("drops events below the configured level", () => {
    const { lines, sink } = capture();
    const log = createLogger({ sink, now, level: "warn" });
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(lines.map((l) => l.msg)).toEqual(["w", "e"]);
  });

  it("redacts secrets at any depth, by field name", () => {
    const { lines, sink } = capture();
    createLogger({ sink, now }).info("login", {
      password: "hunter2",
      nested: { sessionToken: "abc", headers: { Authorization: "Bearer xyz", accept: "json" } },
    });
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("abc");
    expect(text).not.toContain("xyz");
    expect(lines[0]).toMatchObject({ nested: { headers: { accept: "json" } } });
  });

  it("logs an error's name, message, stack and cause", () => {
    const { lines, sink } = capture();
    createLogger({ sink, now }).error("failed", { error: new Error("outer", { cause: new TypeError("inner") }) });
    expect(lines[0]).toMatchObject({
      error: { name: "Error", message: "outer", cause: { name: "TypeError", message: "inner" } },
    });
    expect(JSON.stringify(lines[0])).toMatch(/"stack":"Error: outer/);
  });

  it("child loggers add fields without changing the parent", () => {
    const { lines, sink } = capture();
    const parent = createLogger({ sink, now, fields: { a: 1 } });
    parent.child({ b: 2 }).info("child");
    parent.info("parent");
    expect(lines[0]).toMatchObject({ a: 1, b: 2 });
    expect(lines[1]).not.toHaveProperty("b");
  });

  it("still writes the line when a field cannot be serialised", () => {
    const { lines, sink } = capture();
    createLogger({ sink, now }).info("odd", { big: 10n, fn: () => 1 });
    expect(lines[0]).toMatchObject({ msg: "odd", big: "10" });
  });
});
