// CacheService: cache-aside over KV with versioned namespaces, single-flight, negative caching and bulk reads.
import type { z } from "zod";

/** KV refuses expirationTtl below 60 s. */
export const MIN_TTL_SECONDS = 60;
/** KV's multi-key get takes at most 100 keys. */
const BULK_MAX = 100;

export type CacheEventKind = "hit" | "miss" | "negative-hit" | "error";
export interface CacheEvent {
  namespace: string;
  kind: CacheEventKind;
}

export interface CacheServiceOptions {
  kv: KVNamespace;
  /** Lower-case name; every key lives under it, e.g. `users`. */
  namespace: string;
  /** TTL of found values. */
  hitTtlSeconds?: number;
  /** TTL of "not found" entries, usually shorter. */
  missTtlSeconds?: number;
  /** Runs writes after the response (ctx.waitUntil); without it writes are awaited. */
  defer?: (promise: Promise<unknown>) => void;
  /** Hit/miss accounting; never a KV write. */
  onEvent?: (event: CacheEvent) => void;
  /** How long this isolate trusts the namespace version it read. */
  versionCacheMs?: number;
  now?: () => number;
}

interface Envelope {
  /** The value, or null for a cached "not found". */
  v: unknown;
}

/** In-flight loads, per full key, shared by every caller in this isolate. */
const inflight = new Map<string, Promise<unknown>>();
/** Namespace versions read recently, per KV binding and namespace. */
const versions = new WeakMap<KVNamespace, Map<string, { version: number; at: number }>>();

export function clampTtl(seconds: number): number {
  return Math.max(MIN_TTL_SECONDS, Math.ceil(Number.isFinite(seconds) ? seconds : MIN_TTL_SECONDS));
}

/**
 * Keys are `c:<namespace>:v<version>:<key>`. `invalidateAll()` bumps the version, so a namespace of any size
 * is invalidated with one write and its old keys age out by TTL; this replaces prefix deletes that stop at
 * KV's 1 000-key list page. Other isolates see a bump after `versionCacheMs` plus KV's propagation delay
 * (up to about 60 s), so cache only what may be that stale.
 *
 * @example
 * const users = new CacheService({ kv: env.CACHE, namespace: "users", defer: ctx.waitUntil.bind(ctx) });
 * const user = await users.getOrSet(id, () => db.findUser(id), UserSchema);
 */
export class CacheService {
  readonly namespace: string;
  readonly #kv: KVNamespace;
  readonly #hitTtl: number;
  readonly #missTtl: number;
  readonly #defer?: (promise: Promise<unknown>) => void;
  readonly #onEvent?: (event: CacheEvent) => void;
  readonly #versionCacheMs: number;
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
    this.#now = options.now ?? Date.now;
  }

  /**
   * The cached value for `key`, or the loader's result (cached for hitTtl, or as "not found" for missTtl
   * when it is null). A loader that throws caches nothing. A stored value that fails `schema` is a miss.
   */
  async getOrSet<T>(key: string, loader: () => Promise<T | null>, schema?: z.ZodType<T>): Promise<T | null> {
    const fullKey = await this.#fullKey(key);
    const cached = await this.#read(fullKey, schema);
    if (cached.found) return cached.value;
    const pending = inflight.get(fullKey) as Promise<T | null> | undefined;
    if (pending) return pending;
    const load = (async () => {
      const value = await loader();
      await this.#write(fullKey, value);
      return value;
    })().finally(() => inflight.delete(fullKey));
    inflight.set(fullKey, load);
    return load;
  }

  /**
   * Many keys at once: bulk reads of ≤ 100 keys, one `loadMissing` call for whatever was not cached, and
   * writes for what it returned (keys it did not return are cached as "not found").
   */
  async getMany<T>(
    keys: readonly string[],
    loadMissing: (missing: string[]) => Promise<Map<string, T>>,
    schema?: z.ZodType<T>,
  ): Promise<Map<string, T>> {
    const unique = [...new Set(keys)];
    const prefix = await this.#prefix();
    const found = new Map<string, T>();
    const missing: string[] = [];
    for (let i = 0; i < unique.length; i += BULK_MAX) {
      const chunk = unique.slice(i, i + BULK_MAX);
      let values: Map<string, unknown>;
      try {
        values = await this.#kv.get(
          chunk.map((key) => prefix + key),
          "json",
        );
      } catch {
        this.#emit("error");
        values = new Map();
      }
      for (const key of chunk) {
        const envelope = values.get(prefix + key);
        const decoded = this.#decode(envelope, schema);
        if (!decoded.found) {
          missing.push(key);
          this.#emit("miss");
        } else if (decoded.value !== null) {
          found.set(key, decoded.value);
          this.#emit("hit");
        } else {
          this.#emit("negative-hit");
        }
      }
    }
    if (missing.length > 0) {
      const loaded = await loadMissing(missing);
      const writes: Promise<void>[] = [];
      for (const key of missing) {
        const value = loaded.get(key) ?? null;
        if (value !== null) found.set(key, value);
        writes.push(this.#write(prefix + key, value));
      }
      await Promise.all(writes);
    }
    return found;
  }

  /** Forgets one key. */
  async invalidate(key: string): Promise<void> {
    await this.#kv.delete(await this.#fullKey(key));
  }

  /** Forgets the whole namespace with one write (a version bump); returns the new version. */
  async invalidateAll(): Promise<number> {
    const next = (await this.#readVersion(true)) + 1;
    await this.#kv.put(this.#versionKey(), String(next));
    this.#versionCache().set(this.namespace, { version: next, at: this.#now() });
    return next;
  }

  async #fullKey(key: string): Promise<string> {
    return (await this.#prefix()) + key;
  }

  async #prefix(): Promise<string> {
    return `c:${this.namespace}:v${await this.#readVersion(false)}:`;
  }

  #versionKey(): string {
    return `cv:${this.namespace}`;
  }

  #versionCache(): Map<string, { version: number; at: number }> {
    let cache = versions.get(this.#kv);
    if (!cache) {
      cache = new Map();
      versions.set(this.#kv, cache);
    }
    return cache;
  }

  async #readVersion(fresh: boolean): Promise<number> {
    const cached = this.#versionCache().get(this.namespace);
    if (!fresh && cached && this.#now() - cached.at < this.#versionCacheMs) return cached.version;
    const raw = await this.#kv.get(this.#versionKey());
    const version = raw !== null && /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
    this.#versionCache().set(this.namespace, { version, at: this.#now() });
    return version;
  }

  async #read<T>(fullKey: string, schema?: z.ZodType<T>): Promise<{ found: true; value: T | null } | { found: false }> {
    let envelope: unknown;
    try {
      envelope = await this.#kv.get(fullKey, "json");
    } catch {
      this.#emit("error");
      return { found: false };
    }
    const decoded = this.#decode(envelope, schema);
    this.#emit(!decoded.found ? "miss" : decoded.value === null ? "negative-hit" : "hit");
    return decoded;
  }

  #decode<T>(envelope: unknown, schema?: z.ZodType<T>): { found: true; value: T | null } | { found: false } {
    if (!envelope || typeof envelope !== "object" || !("v" in envelope)) return { found: false };
    const value = (envelope as Envelope).v;
    if (value === null) return { found: true, value: null };
    if (!schema) return { found: true, value: value as T };
    const parsed = schema.safeParse(value);
    return parsed.success ? { found: true, value: parsed.data } : { found: false };
  }

  /** Resolves at once when writes are deferred to waitUntil, else once KV has the value. */
  async #write(fullKey: string, value: unknown): Promise<void> {
    const envelope: Envelope = { v: value ?? null };
    const ttl = value === null || value === undefined ? this.#missTtl : this.#hitTtl;
    const write = this.#kv
      .put(fullKey, JSON.stringify(envelope), { expirationTtl: ttl })
      .catch(() => this.#emit("error"));
    if (this.#defer) this.#defer(write);
    else await write;
  }

  #emit(kind: CacheEventKind): void {
    this.#onEvent?.({ namespace: this.namespace, kind });
  }
}
