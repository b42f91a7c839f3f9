// Per-request context on AsyncLocalStorage: request id, logger, and typed slots for other kit modules.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "./logger";

export interface RequestContext {
  readonly requestId: string;
  readonly logger: Logger;
  readonly startedAt: number;
  /** Values other modules attach to the request (the subrequest budget, the session, …). */
  readonly slots: Map<symbol, unknown>;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` as the current request context. */
export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current request context, or undefined outside a request (cron, queue, module scope). */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The current request context; throws if there is none, which is a programming error. */
export function requireContext(): RequestContext {
  const context = storage.getStore();
  if (!context) throw new Error("No request context: this code must run inside runWithContext()");
  return context;
}

export function createRequestContext(requestId: string, logger: Logger, now = Date.now()): RequestContext {
  return { requestId, logger, startedAt: now, slots: new Map() };
}

/** A typed slot in the request context, so a module can keep per-request state without a global. */
export interface ContextSlot<T> {
  get(context?: RequestContext): T | undefined;
  set(value: T, context?: RequestContext): void;
}

/**
 * @example
 * const budgetSlot = createContextSlot<SubrequestBudget>("budget");
 * budgetSlot.set(createSubrequestBudget({ limit: 50 })); // inside a request
 * budgetSlot.get()?.spend("kv");
 */
export function createContextSlot<T>(name: string): ContextSlot<T> {
  const key = Symbol(name);
  return {
    get: (context = currentContext()) => context?.slots.get(key) as T | undefined,
    set: (value, context = requireContext()) => {
      context.slots.set(key, value);
    },
  };
}
