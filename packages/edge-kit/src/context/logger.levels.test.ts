// Each logging method writes its own level name, and a threshold keeps exactly its level and the ones above.
import { describe, expect, it } from "vitest";
import { createLogger, type LogLevel } from "./logger";

const LEVELS: LogLevel[] = ["debug", "info", "warn", "error"];

function written(level: LogLevel) {
  const lines: { level: string; msg: string }[] = [];
  const log = createLogger({ level, sink: (line) => lines.push(JSON.parse(line)) });
  for (const name of LEVELS) log[name](`via ${name}`);
  return lines.map((line) => `${line.level}:${line.msg}`);
}

describe("createLogger levels", () => {
  it.each([
    ["debug", ["debug:via debug", "info:via info", "warn:via warn", "error:via error"]],
    ["info", ["info:via info", "warn:via warn", "error:via error"]],
    ["warn", ["warn:via warn", "error:via error"]],
    ["error", ["error:via error"]],
  ] as const)("at %s writes exactly %j", (level, expected) => {
    expect(written(level)).toEqual(expected);
  });
});
