// Test support: a KV namespace wrapper that counts operations and can hold `list()` answers back.

type Operation = "get" | "put" | "delete" | "list";

export interface KvSpy {
  kv: KVNamespace;
  /** Calls of one operation since the spy was made; a multi-key get counts once, as KV bills it. */
  count(op: Operation): number;
  /** Keys asked for by each `get` call, in order (a single-key get is a list of one). */
  gets: string[][];
  /**
   * Until `release()`, every `list()` reads KV at once but answers only on release: a read that began
   * before a write returns what it saw before it.
   */
  holdLists(): { release(): void };
}

const OPERATIONS = new Set<PropertyKey>(["get", "put", "delete", "list"]);

function isOperation(property: PropertyKey): property is Operation {
  return OPERATIONS.has(property);
}

/**
 * @example
 * const spy = spyKv(env.CONFIG);
 * await new FlagStore(spy.kv).listAll();
 * expect(spy.count("get")).toBeLessThanOrEqual(25);
 */
export function spyKv(kv: KVNamespace): KvSpy {
  const counts: Record<Operation, number> = { get: 0, put: 0, delete: 0, list: 0 };
  const gets: string[][] = [];
  let gate: Promise<void> | null = null;
  const proxy = new Proxy(kv, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (!isOperation(property) || typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        counts[property]++;
        const [key] = args;
        if (property === "get") gets.push(Array.isArray(key) ? key.map(String) : [String(key)]);
        const result: unknown = await Reflect.apply(value, target, args);
        if (property === "list" && gate) await gate;
        return result;
      };
    },
  });
  return {
    kv: proxy,
    count: (op) => counts[op],
    gets,
    holdLists() {
      let release = () => {};
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = null;
          resolve();
        };
      });
      return { release };
    },
  };
}
