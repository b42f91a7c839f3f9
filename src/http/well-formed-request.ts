// Middleware: the text a request carries outside its JSON strings must be well-formed too.
// The schemas refuse lone surrogates in parsed strings (`text()` from the kit). Two places never reach them as such:
// - The URL. A percent-encoded byte sequence that is not UTF-8 (`?q=%ED%A0%80`, a lone surrogate in CESU form;
//   `%FF`; a stray `%zz`) cannot be decoded; Hono then keeps it as raw `%ED%A0%80` text, so a search or a name would
//   silently become something the client did not mean. Refused here with 400 `malformed-url`.
// - A JSON body's bytes. Invalid UTF-8 would be decoded with U+FFFD in its place (the body's meaning silently
//   changed). Refused with 400 `malformed-text`. The bytes are read once and kept: the route's validator parses the
//   same buffer (Hono caches the body), and the body-size limit, which runs earlier, still bounds the read.
// - A JSON body the client cuts short (its stream fails mid-read) is a 400 `body-length-mismatch`, not a 500.
import { AppError, isAppError } from "@outpost/edge-kit/errors";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { bodyCutShort } from "./body-limit";

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** True when every percent-escape in `part` is valid and decodes to well-formed UTF-8. */
function decodes(part: string): boolean {
  if (!part.includes("%")) return true;
  try {
    decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

/** The path's segments and every query name and value (`+` is a space, never an escape). */
export function urlIsWellFormed(url: URL): boolean {
  if (!url.pathname.split("/").every(decodes)) return false;
  const query = url.search.slice(1);
  if (query === "") return true;
  return query.split("&").every((pair) => pair.split("=").every((part) => decodes(part.replaceAll("+", " "))));
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export interface WellFormedRequestOptions {
  /** Paths whose body is streamed raw by the handler (file uploads): their bytes are never read here. */
  rawBodyPaths?: (path: string) => boolean;
}

export function wellFormedRequest(options: WellFormedRequestOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!urlIsWellFormed(new URL(c.req.url))) {
      throw new AppError(400, "malformed-url", "The URL is not well-formed", {
        detail: "Percent-encode the path and query as UTF-8 (every %XX sequence must decode to valid UTF-8)",
      });
    }
    const type = c.req.header("content-type");
    if (type && JSON_TYPE.test(type) && c.req.raw.body && !options.rawBodyPaths?.(c.req.path)) {
      let bytes: ArrayBuffer;
      try {
        bytes = await c.req.arrayBuffer();
      } catch (error) {
        // The client cut the body short (its stream failed mid-read): its request, not our fault. The body-size
        // limit refuses through its own path (an AppError), which passes through unchanged.
        if (isAppError(error)) throw error;
        throw bodyCutShort();
      }
      try {
        strictUtf8.decode(bytes);
      } catch {
        throw new AppError(400, "malformed-text", "The body is not valid UTF-8", {
          detail: "Send JSON encoded as UTF-8; the body has bytes that are not",
        });
      }
    }
    await next();
  };
}
