// Configuration from a Worker's vars: one zod schema per area, parsed once per environment, failing fast.
import { z } from "zod";

/** A variable is missing or malformed; the message names every bad variable and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export type ConfigReader<T> = (env: object) => T;

/**
 * Returns a reader that parses `env` with `schema` the first time it sees that environment object and then
 * returns the same result: on Workers `env` is one object per isolate, so the parse happens once, not per
 * request. Vars arrive as strings (wrangler.jsonc `vars`, secrets), so schemas coerce them explicitly.
 *
 * @example
 * const getFilesConfig = defineConfig(z.object({ FILE_MAX_BYTES: wholeNumber(1, 5 * 2 ** 40).default(2 ** 30) }));
 * getFilesConfig(env).FILE_MAX_BYTES; // a number, or ConfigError "FILE_MAX_BYTES: must be a whole number"
 */
export function defineConfig<S extends z.ZodType>(schema: S): ConfigReader<z.output<S>> {
  const cache = new WeakMap<object, z.output<S>>();
  return (env) => {
    if (cache.has(env)) return cache.get(env) as z.output<S>;
    const parsed = schema.safeParse(env);
    if (!parsed.success) throw configError(parsed.error);
    cache.set(env, parsed.data);
    return parsed.data;
  };
}

/** The ConfigError for a failed parse: `Invalid configuration in wrangler.jsonc vars: NAME: why; …`. */
export function configError(error: z.ZodError, prefix: readonly string[] = []): ConfigError {
  const problems = error.issues.map((issue) => `${[...prefix, ...issue.path.map(String)].join(".")}: ${issue.message}`);
  return new ConfigError(`Invalid configuration in wrangler.jsonc vars: ${problems.join("; ")}`);
}

/**
 * A var holding a whole number between `min` and `max` (vars are strings: "20000", never "2e4" or "0x10").
 * `unit` goes into the message: "must be a whole number of bytes".
 */
export function wholeNumber(min: number, max: number, unit?: string) {
  return z
    .string()
    .regex(/^\d+$/, unit ? `must be a whole number of ${unit}` : "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}
