// CacheService: cache-aside over KV with versioned namespaces, single-flight, negative caching and bulk reads.
import { z } from "zod";
import { clampTtl, MAX_BULK_GET_KEYS, MIN_TTL_SECONDS } from "./internal/kv-limits";
import { versionsFor } from "./internal/namespace-version";
import { SingleFlight } from "./internal/single-flight";

/** Most keys one `getMany` call takes: ≤ 5 bulk reads + ≤ 500 writes + 1 version read, well inside KV's 1 000. */
export const MAX_GET_MANY_KEYS = 500;

/** `negative-hit`: a cached "not found". `error`: KV failed and the call fell back to the loader. */
export type CacheEventKind = "hit" | "miss" | "negative-hit" | "error";

export interface CacheEvent {
  namespace: string;
  kind: CacheEventKind;
}

export interface CacheServiceOptions {
  kv: KVNamespace;
  /** Lower-case name, 1–32 of `a-z 0-9 -`; every key lives under it, e.g. `users`. */
  namespace: string;
  /** TTL of found values (default 300 s; never below 60, KV's minimum). */
  hitTtlSeconds?: number;
  /** TTL of "not found" entries, usually shorter (default 60 s, the minimum). */
  missTtlSeconds?: number;
  /** Runs writes after the response, e.g. `(p) => ctx.waitUntil(p)`; without it writes are awaited. */
  defer?: ((promise: Promise<unknown>) => void) | undefined;
  /** Hit/miss accounting, one event per key looked up in KV; aggregate it elsewhere, never in KV. */
  onEvent?: ((event: CacheEvent) => void) | undefined;
  /** How long this isolate trusts the namespace version it read (default 5 000 ms). */
  versionCacheMs?: number;
  /** How long a caller waits on another caller's load of the same key before loading itself (default 5 000 ms). */
  singleFlightWaitMs?: number;
  now?: () => number;
}

/** What is stored: `{ v: value }`, with `v: null` for a cached "not found". */
const EnvelopeSchema = z.object({ v: z.unknown() });

type Lookup<T> = { found: true; value: T | null } | { found: false };

/** One single-flight table per KV binding, shared by every CacheService over it in this isolate. */
const flightsByBinding = new WeakMap<KVNamespace, SingleFlight>();

function flightsFor(kv: KVNamespace): SingleFlight {
  let flights = flightsByBinding.get(kv);
  if (!flights) {
    flights = new SingleFlight();
    flightsByBinding.set(kv, flights);
  }
  return flights;
}

/**
 * Keys are `c:<namespace>:v<version>:<key>`. `invalidateAll()` bumps the version, so a namespace of any size
 * is invalidated with one write and its old entries age out by TTL; this replaces prefix deletes that stop
 * at KV's 1 000-key list page. Values are JSON (plain objects, arrays, strings, numbers, booleans).
 *
 * Consistency: KV is eventually consistent, so another location can serve an entry, or the old version,
 * for up to about 60 s after a write or a bump, plus `versionCacheMs` in isolates that read the version
 * recently. Cache only what may be that stale.
 *
 * @example
 * const users = new CacheService({ kv: env.CACHE, namespace: "users", defer: (p) => ctx.waitUntil(p) });
 * const user = await users.getOrSet(id, () => db.findUser(id), UserSchema); // null when not found
 */
export class CacheService {
  readonly namespace: string;
  readonly #kv: KVNamespace;
  readonly #hitTtl: number;
  readonly #missTtl: number;
  readonly #defer: ((promise: Promise<unknown>) => void) | undefined;
  readonly #onEvent: ((event: CacheEvent) => void) | undefined;
  readonly #versionCacheMs: number;
  readonly #waitMs: number;
  readonly #now: () => number;

  constructor(options: CacheServiceOptions) {
    if (!/^[a-z0-9-]{1,32}$/.test(options.namespace)) throw new Error(`invalid cache namespace: ${options.namespace}`);
    this.namespace = options.namespace;
    this.#kv = options.kv;
    this.#hitTtl = clampTtl(options.hitTtlSeconds ?? 300);
    this.#missTtl = clampTtl(options.missTtlSeconds ?? MIN_TTL_SECONDS);
    this.#defer = options.defer;
    this.#onEvent = options.onEvent;
    this.#versionCacheMs = options.versionCacheMs ?? 5_000;
    this.#waitMs = options.singleFlightWaitMs ?? 5_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The cached value for `key`, else the loader's result, cached for the hit TTL, or as "not found" for the
   * miss TTL when it is null. Concurrent calls for one key in this isolate share one KV read and one load.
   * A loader that throws caches nothing and its error reaches every caller. A stored value that fails
   * `schema` counts as a miss and is overwritten.
   */
  getOrSet<T>(key: string, loader: () => Promise<T | null>, schema?: z.ZodType<T>): Promise<T | null> {
    return flightsFor(this.#kv).run(this.#flightKey(key), () => this.#readThrough(key, loader, schema), this.#waitMs);
  }

  /**
   * Many keys at once: KV's multi-key get (≤ 100 keys a call), one `loadMissing` call for whatever was not
   * cached, then writes for every key it was asked about (keys it did not return are cached as "not
   * found"). Returns the found values only. Takes at most `MAX_GET_MANY_KEYS` distinct keys.
   */
  async getMany<T>(
    keys: readonly string[],
    loadMissing: (missing: string[]) => Promise<Map<string, T>>,
    schema?: z.ZodType<T>,
  ): Promise<Map<string, T>> {
    const unique = [...new Set(keys)];
    if (unique.length > MAX_GET_MANY_KEYS) {
      throw new RangeError(`getMany takes at most ${MAX_GET_MANY_KEYS} keys, got ${unique.length}`);
    }
    const found = new Map<string, T>();
    if (unique.length === 0) return found;
    const prefix = await this.#prefix();
    if (prefix === null) {
      const loaded = await loadMissing(unique);
      for (const key of unique) {
        const value = loaded.get(key);
        if (value !== undefined && value !== null) found.set(key, value);
      }
      return found;
    }
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += MAX_BULK_GET_KEYS) chunks.push(unique.slice(i, i + MAX_BULK_GET_KEYS));
    const pages = await Promise.all(chunks.map((chunk) => this.#bulkRead(chunk.map((key) => prefix + key))));
    const missing: string[] = [];
    for (const [index, chunk] of chunks.entries()) {
      const page = pages[index];
      for (const key of chunk) {
        const lookup = page ? this.#decode(page.get(prefix + key), schema) : { found: false as const };
        if (!lookup.found) missing.push(key);
        else if (lookup.value !== null) found.set(key, lookup.value);
        this.#emitLookup(lookup);
      }
    }
    if (missing.length === 0) return found;
    const loaded = await loadMissing(missing);
    const entries = missing.map((key) => {
      const value = loaded.get(key) ?? null;
      if (value !== null) found.set(key, value);
      return [prefix + key, value] as const;
    });
    await this.#write(entries);
    return found;
  }

  /** Forgets one key (in this location at once; elsewhere within about 60 s, as KV propagates). */
  async invalidate(key: string): Promise<void> {
    flightsFor(this.#kv).forget(this.#flightKey(key));
    const prefix = await this.#prefix();
    if (prefix !== null) await this.#kv.delete(prefix + key);
  }

  /** Forgets the whole namespace with one read and one write (a version bump); returns the new version. */
  async invalidateAll(): Promise<number> {
    const version = await versionsFor(this.#kv).bump(this.namespace, this.#now());
    // Loads already in flight keep their old prefix, so they can only write into the old version; later
    // callers must not join them.
    flightsFor(this.#kv).forgetPrefix(this.#flightKey(""));
    return version;
  }

  #flightKey(key: string): string {
    return `${this.namespace}\u0000${key}`;
  }

  async #readThrough<T>(key: string, loader: () => Promise<T | null>, schema?: z.ZodType<T>): Promise<T | null> {
    const prefix = await this.#prefix();
    // Without a version the key is unknown: serve from the origin and cache nothing.
    if (prefix === null) return loader();
    const lookup = await this.#read(prefix + key, schema);
    this.#emitLookup(lookup);
    if (lookup.found) return lookup.value;
    const value = (await loader()) ?? null;
    await this.#write([[prefix + key, value]]);
    return value;
  }

  /** `c:<namespace>:v<version>:`, or null when the version cannot be read. */
  async #prefix(): Promise<string | null> {
    try {
      const version = await versionsFor(this.#kv).current(this.namespace, this.#versionCacheMs, this.#now());
      return `c:${this.namespace}:v${version}:`;
    } catch {
      this.#emit("error");
      return null;
    }
  }

  async #read<T>(fullKey: string, schema?: z.ZodType<T>): Promise<Lookup<T>> {
    try {
      return this.#decode(await this.#kv.get(fullKey, "json"), schema);
    } catch {
      // Unreadable (KV failure or a value that is not JSON): load, and overwrite it.
      this.#emit("error");
      return { found: false };
    }
  }

  /** One multi-key read; undefined when it failed, so every key in it counts as a miss. */
  async #bulkRead(fullKeys: string[]): Promise<Map<string, unknown> | undefined> {
    try {
      return await this.#kv.get(fullKeys, "json");
    } catch {
      this.#emit("error");
      return undefined;
    }
  }

  #decode<T>(stored: unknown, schema?: z.ZodType<T>): Lookup<T> {
    const envelope = EnvelopeSchema.safeParse(stored);
    if (!envelope.success) return { found: false };
    const value = envelope.data.v;
    if (value === null) return { found: true, value: null };
    if (!schema) return { found: true, value: value as T };
    const parsed = schema.safeParse(value);
    return parsed.success ? { found: true, value: parsed.data } : { found: false };
  }

  /** Writes entries (value null = "not found"); resolves at once when writes are deferred. Never throws. */
  async #write(entries: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    const writes = Promise.all(
      entries.map(([fullKey, value]) =>
        this.#kv
          .put(fullKey, JSON.stringify({ v: value ?? null }), {
            expirationTtl: value === null || value === undefined ? this.#missTtl : this.#hitTtl,
          })
          // A failed write (KV allows about one write a second per key) only costs a later miss.
          .catch(() => this.#emit("error")),
      ),
    );
    if (this.#defer) this.#defer(writes);
    else await writes;
  }

  #emitLookup(lookup: Lookup<unknown>): void {
    this.#emit(!lookup.found ? "miss" : lookup.value === null ? "negative-hit" : "hit");
  }

  #emit(kind: CacheEventKind): void {
    this.#onEvent?.({ namespace: this.namespace, kind });
  }
}
