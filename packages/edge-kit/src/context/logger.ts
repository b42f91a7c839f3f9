// Structured JSON logger: one line per event, with the request id and redaction of secrets.

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values never reach a log line (tokens, passwords, cookies). */
const SECRET_FIELD = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|signature/i;
const MAX_DEPTH = 4;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Fields on every line, e.g. `{ requestId }`. */
  fields?: LogFields;
  /** Where lines go. Workers Logs collects `console.log` output as JSON. */
  sink?: (line: string) => void;
  now?: () => Date;
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && value in LEVEL_RANK;
}

/** Errors become `{ name, message, stack }`: only logs ever see them. Secrets are masked at any depth. */
function sanitise(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    const cause = value.cause !== undefined && depth < MAX_DEPTH ? { cause: sanitise(value.cause, depth + 1) } : {};
    return { name: value.name, message: value.message, stack: value.stack, ...cause } satisfies LogFields;
  }
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => sanitise(item, depth + 1));
  const out: LogFields = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) ? "[redacted]" : sanitise(item, depth + 1);
  }
  return out;
}

/**
 * @example
 * const log = createLogger({ level: "info", fields: { requestId: "r1" } });
 * log.info("counter incremented", { name: "visits", value: 3 });
 * // {"level":"info","time":"…","msg":"counter incremented","requestId":"r1","name":"visits","value":3}
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVEL_RANK[options.level ?? "info"];
  const base = options.fields ?? {};
  const sink = options.sink ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date());

  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (LEVEL_RANK[level] < threshold) return;
    const record = sanitise({ ...base, ...fields }) as LogFields;
    let line: string;
    try {
      line = JSON.stringify({ level, time: now().toISOString(), msg: message, ...record });
    } catch {
      // A cyclic or otherwise unserialisable field must not lose the line itself.
      line = JSON.stringify({ level, time: now().toISOString(), msg: message, logError: "unserialisable fields" });
    }
    sink(line);
  };

  return {
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}
