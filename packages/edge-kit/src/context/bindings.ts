// Typed access to bindings where no Hono context is at hand (queue consumers, crons, services): fails fast.

export class BindingUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BindingUnavailableError";
  }
}

export interface BindingAccessor<E extends object> {
  /** The binding named `name`; throws BindingUnavailableError if the environment or the binding is missing. */
  get<K extends keyof E & string>(name: K): NonNullable<E[K]>;
  /** Whether the binding is configured, without throwing. */
  has(name: keyof E & string): boolean;
}

/**
 * Replaces the seeds' lazy proxy that silently fell back to `{}`: a missing binding is a configuration
 * error, reported at the first use with its name instead of a TypeError deep inside a call.
 *
 * @example
 * import { env } from "cloudflare:workers";
 * const bindings = createBindingAccessor<Env>(() => env);
 * await bindings.get("DB").prepare("select 1").first();
 */
export function createBindingAccessor<E extends object>(source: () => E | undefined): BindingAccessor<E> {
  const environment = (): E => {
    const value = source();
    if (!value || typeof value !== "object") {
      throw new BindingUnavailableError("No Worker environment is available here: bindings exist only at runtime");
    }
    return value;
  };
  return {
    get(name) {
      const value = environment()[name];
      if (value === undefined || value === null) {
        throw new BindingUnavailableError(
          `Binding ${name} is not configured: declare it in wrangler.jsonc and run npm run cf-typegen`,
        );
      }
      return value as NonNullable<E[typeof name]>;
    },
    has(name) {
      const value = source();
      return !!value && typeof value === "object" && value[name] !== undefined && value[name] !== null;
    },
  };
}
