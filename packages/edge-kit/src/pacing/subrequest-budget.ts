// The per-request subrequest budget: fetches and binding calls both count; warn at 80 %, refuse past the limit.
import { createContextSlot } from "../context";

export class BudgetExceededError extends Error {
  constructor(
    readonly limit: number,
    readonly what: string,
  ) {
    super(`subrequest budget of ${limit} exhausted (${what})`);
    this.name = "BudgetExceededError";
  }
}

export interface SubrequestBudget {
  readonly limit: number;
  readonly used: number;
  readonly remaining: number;
  /** Counts `n` subrequests or throws BudgetExceededError without counting them. */
  spend(what: string, n?: number): void;
  /** Whether `n` more would fit. */
  canSpend(n?: number): boolean;
}

export interface BudgetOptions {
  /** From configuration per plan (Workers Free: 50 per request; Paid: far more). */
  limit: number;
  /** Fraction of the limit at which `onWarn` is called once (default 0.8). */
  warnAt?: number;
  onWarn?: (used: number, limit: number) => void;
}

/**
 * @example
 * const budget = createSubrequestBudget({ limit: 50, onWarn: (u, l) => log.warn("budget", { u, l }) });
 * budget.spend("fetch unfurl"); // before each fetch or binding call
 */
export function createSubrequestBudget(options: BudgetOptions): SubrequestBudget {
  let used = 0;
  let warned = false;
  const warnAt = Math.ceil(options.limit * (options.warnAt ?? 0.8));
  return {
    limit: options.limit,
    get used() {
      return used;
    },
    get remaining() {
      return Math.max(0, options.limit - used);
    },
    canSpend: (n = 1) => used + n <= options.limit,
    spend(what, n = 1) {
      if (used + n > options.limit) throw new BudgetExceededError(options.limit, what);
      used += n;
      if (!warned && used >= warnAt) {
        warned = true;
        options.onWarn?.(used, options.limit);
      }
    },
  };
}

/** The request's budget lives in the request context, so every module of one request shares it. */
export const budgetSlot = createContextSlot<SubrequestBudget>("subrequest-budget");

/**
 * A binding whose method calls each spend one subrequest (KV, R2, D1, queues, service bindings and Durable
 * Object stubs count towards the platform's limit just like fetch).
 *
 * @example
 * const kv = metered(env.CACHE, budget, "CACHE");
 */
export function metered<T extends object>(binding: T, budget: SubrequestBudget, name: string): T {
  return new Proxy(binding, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        budget.spend(`${name}.${String(property)}`);
        return value.apply(target, args);
      };
    },
  });
}
