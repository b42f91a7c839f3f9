// The browser's `@hono/zod-openapi` (and `zod`, for the edge kit's flag schema). The wire schemas in src/features/*/*.schema.ts are shared with the UI and
// written as `z.string()…openapi(…)`. Imported as the namespace `z`, zod cannot be tree-shaken and costs the
// browser about 92 KB gzipped; imported by name it costs about 25 KB. So the client build (vite.config.ts, the
// `browser-zod` plugin) resolves `@hono/zod-openapi` to this module: the same zod classes, only the members the
// schemas use, and `.openapi()` as a no-op (OpenAPI metadata matters only on the server).
// scripts/check-browser-zod.mjs (part of `npm run lint`) loads every shared schema through this module and parses.
import {
  array,
  boolean,
  coerce,
  discriminatedUnion,
  email,
  enum as enumOf,
  iso,
  literal,
  nullable,
  number,
  object,
  optional,
  record,
  strictObject,
  string,
  tuple,
  union,
  url,
  ZodType,
} from "zod";

declare module "zod" {
  interface ZodType {
    openapi(...args: unknown[]): this;
  }
}

const prototype = ZodType.prototype as { openapi?: unknown };
if (typeof prototype.openapi !== "function") {
  prototype.openapi = function openapi(this: ZodType) {
    return this;
  };
}

const members = {
  array,
  boolean,
  coerce,
  discriminatedUnion,
  email,
  enum: enumOf,
  iso,
  literal,
  nullable,
  number,
  object,
  optional,
  record,
  strictObject,
  string,
  tuple,
  union,
  url,
};

/** A member the shim lacks fails at once with the fix in its message, rather than as "undefined is not a function". */
export const z = new Proxy(members, {
  get(target, key) {
    if (typeof key === "string" && !(key in target)) {
      throw new Error(`z.${key} is used by a schema the UI imports: add it to src/web/zod-browser.ts`);
    }
    return Reflect.get(target, key);
  },
}) as typeof members;
