// Namespace versions: one KV key per cache namespace, read through a short in-isolate cache.
import { z } from "zod";

const VersionSchema = z
  .string()
  .regex(/^\d{1,15}$/)
  .transform(Number);

interface Seen {
  version: number;
  at: number;
}

/** The KV key holding a namespace's version; it has no TTL. */
function versionKey(namespace: string): string {
  return `cv:${namespace}`;
}

/**
 * Versions of the namespaces stored in one KV binding, as this isolate last saw them. Versions only grow, so
 * a slow read that returns after a bump never moves this isolate back to the older version.
 */
export class NamespaceVersions {
  readonly #kv: KVNamespace;
  readonly #seen = new Map<string, Seen>();
  readonly #reads = new Map<string, Promise<number>>();

  constructor(kv: KVNamespace) {
    this.#kv = kv;
  }

  /** The version to key entries with: from memory while younger than `maxAgeMs`, else one shared KV read. */
  current(namespace: string, maxAgeMs: number, now: number): Promise<number> {
    const seen = this.#seen.get(namespace);
    if (seen && now - seen.at < maxAgeMs) return Promise.resolve(seen.version);
    let read = this.#reads.get(namespace);
    if (!read) {
      read = this.#read(namespace, now).finally(() => this.#reads.delete(namespace));
      this.#reads.set(namespace, read);
    }
    return read;
  }

  /** Moves the namespace to a new version (one KV read, one write) and returns it. */
  async bump(namespace: string, now: number): Promise<number> {
    const next = (await this.#read(namespace, now)) + 1;
    await this.#kv.put(versionKey(namespace), String(next));
    this.#remember(namespace, next, now);
    return next;
  }

  async #read(namespace: string, now: number): Promise<number> {
    const parsed = VersionSchema.safeParse(await this.#kv.get(versionKey(namespace)));
    // A missing or corrupt version key means "never bumped"; the next bump repairs it.
    return this.#remember(namespace, parsed.success ? parsed.data : 0, now);
  }

  #remember(namespace: string, version: number, now: number): number {
    const known = Math.max(version, this.#seen.get(namespace)?.version ?? 0);
    this.#seen.set(namespace, { version: known, at: now });
    return known;
  }
}

const byBinding = new WeakMap<KVNamespace, NamespaceVersions>();

/** The version cache of one KV binding, shared by every CacheService over it in this isolate. */
export function versionsFor(kv: KVNamespace): NamespaceVersions {
  let versions = byBinding.get(kv);
  if (!versions) {
    versions = new NamespaceVersions(kv);
    byBinding.set(kv, versions);
  }
  return versions;
}
