// Test support: a KV namespace wrapper that records every operation, to count them against KV's limits.

export type KvOperation = "get" | "put" | "delete" | "list" | "getWithMetadata";

export interface RecordedCall {
  op: KvOperation;
  /** The key, or the keys of a multi-key get. */
  key: string | string[] | undefined;
  /** The options passed to `put` or `list`. */
  options?: unknown;
}

export interface RecordingKv {
  kv: KVNamespace;
  calls: RecordedCall[];
  /** Operations of one kind (a multi-key get counts once, as KV bills it), or all of them. */
  count(op?: KvOperation): number;
  /** Makes the next calls of `op` reject with `error` until `restore()`. */
  fail(op: KvOperation, error?: Error): void;
  restore(): void;
}

const OPERATIONS = new Set<string>(["get", "put", "delete", "list", "getWithMetadata"]);

function isOperation(name: string | symbol): name is KvOperation {
  return typeof name === "string" && OPERATIONS.has(name);
}

/**
 * Wraps `kv` so tests can assert how many KV operations a call made and with which options. Each wrapper is
 * a distinct binding object, so it also has its own in-isolate version and single-flight tables: two
 * wrappers over one namespace behave like two isolates sharing one KV store.
 *
 * @example
 * const recording = recordKv(env.CACHE);
 * await new CacheService({ kv: recording.kv, namespace: "t" }).getOrSet("a", load);
 * expect(recording.count("get")).toBe(2); // the version, then the entry
 */
export function recordKv(kv: KVNamespace): RecordingKv {
  const calls: RecordedCall[] = [];
  const failures = new Map<KvOperation, Error>();
  const proxy = new Proxy(kv, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (!isOperation(property) || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const [key] = args;
        calls.push({
          op: property,
          key: typeof key === "string" || Array.isArray(key) ? (key as string | string[]) : undefined,
          options: property === "put" ? args[2] : property === "list" ? args[0] : args[1],
        });
        const failure = failures.get(property);
        if (failure) return Promise.reject(failure);
        return Reflect.apply(value, target, args);
      };
    },
  });
  return {
    kv: proxy,
    calls,
    count: (op) => (op ? calls.filter((call) => call.op === op).length : calls.length),
    fail: (op, error = new Error(`KV ${op} failed`)) => failures.set(op, error),
    restore: () => failures.clear(),
  };
}
