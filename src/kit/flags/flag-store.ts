// Feature flags in KV: validated writes, corrupt values read as off, listing that follows KV's cursor.
import { toHex } from "../crypto";
import { evaluateFlag, type FlagDecision } from "./evaluate";
import { type Flag, FlagInputSchema, FlagNameSchema, FlagSchema, MAX_FLAG_BYTES } from "./flag-schema";

const PREFIX = "flag:";
/** KV's multi-key get takes at most 100 keys (developers.cloudflare.com/kv/api/read-key-value-pairs/). */
const BULK_GET_MAX = 100;

export type FlagRead = { ok: true; flag: Flag } | { ok: false; reason: "missing" | "corrupt" };

export type FlagWrite =
  | { ok: true; flag: Flag }
  | { ok: false; reason: "invalid"; issues: { path: string; message: string }[] }
  | { ok: false; reason: "too-large" };

export interface FlagStoreOptions {
  /** How long definitions are reused inside one isolate before KV is read again. */
  cacheMs?: number;
  now?: () => number;
}

function parseStored(value: unknown): Flag | null {
  const parsed = FlagSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * @example
 * const flags = new FlagStore(env.CONFIG);
 * await flags.put("new-editor", { enabled: true, rolloutPercentage: 30 }, adminId);
 * await flags.evaluateAll({ id: userId }); // { "new-editor": true, … }
 */
export class FlagStore {
  readonly #kv: KVNamespace;
  readonly #cacheMs: number;
  readonly #now: () => number;
  #all: { at: number; flags: Promise<Flag[]> } | undefined;

  constructor(kv: KVNamespace, options: FlagStoreOptions = {}) {
    this.#kv = kv;
    this.#cacheMs = options.cacheMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Creates or replaces a flag. The salt is made on creation and kept across updates. */
  async put(name: string, input: unknown, actor: string): Promise<FlagWrite> {
    const validName = FlagNameSchema.safeParse(name);
    const parsed = FlagInputSchema.safeParse(input);
    if (!validName.success || !parsed.success) {
      const issues = [...(validName.error?.issues ?? []), ...(parsed.error?.issues ?? [])].map((issue) => ({
        path: issue.path.map(String).join(".") || "name",
        message: issue.message,
      }));
      return { ok: false, reason: "invalid", issues };
    }
    const existing = await this.get(name);
    const flag: Flag = {
      ...parsed.data,
      name,
      salt: existing.ok ? existing.flag.salt : toHex(crypto.getRandomValues(new Uint8Array(12))),
      updatedAt: new Date(this.#now()).toISOString(),
      updatedBy: actor.slice(0, 64),
    };
    const body = JSON.stringify(flag);
    if (new TextEncoder().encode(body).byteLength > MAX_FLAG_BYTES) return { ok: false, reason: "too-large" };
    await this.#kv.put(PREFIX + name, body);
    this.#all = undefined;
    return { ok: true, flag };
  }

  async get(name: string): Promise<FlagRead> {
    if (!FlagNameSchema.safeParse(name).success) return { ok: false, reason: "missing" };
    let raw: unknown;
    try {
      raw = await this.#kv.get(PREFIX + name, "json");
    } catch {
      return { ok: false, reason: "corrupt" }; // not JSON at all
    }
    if (raw === null) return { ok: false, reason: "missing" };
    const flag = parseStored(raw);
    return flag ? { ok: true, flag } : { ok: false, reason: "corrupt" };
  }

  async delete(name: string): Promise<boolean> {
    const existed = (await this.get(name)).ok || (await this.#kv.get(PREFIX + name)) !== null;
    await this.#kv.delete(PREFIX + name);
    this.#all = undefined;
    return existed;
  }

  /**
   * Every flag, paging through `list()` until `list_complete` (≤ 1 000 keys a page, and an empty page is
   * not the end) and reading values 100 at a time. Corrupt values are reported by name, not thrown.
   */
  async listAll(): Promise<{ flags: Flag[]; corrupt: string[] }> {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#kv.list({ prefix: PREFIX, cursor });
      names.push(...page.keys.map((key) => key.name));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    const flags: Flag[] = [];
    const corrupt: string[] = [];
    for (let i = 0; i < names.length; i += BULK_GET_MAX) {
      const chunk = names.slice(i, i + BULK_GET_MAX);
      const values = await this.#bulkGet(chunk);
      for (const key of chunk) {
        const flag = parseStored(values.get(key));
        if (flag) flags.push(flag);
        else corrupt.push(key.slice(PREFIX.length));
      }
    }
    flags.sort((a, b) => a.name.localeCompare(b.name));
    return { flags, corrupt };
  }

  /** Evaluates one flag for a caller; missing or corrupt flags are off. */
  async evaluate(name: string, user: { id: string } | null): Promise<FlagDecision & { exists: boolean }> {
    const read = await this.get(name);
    const decision = await evaluateFlag(read.ok ? read.flag : null, user);
    return { ...decision, exists: read.ok || read.reason === "corrupt" };
  }

  /** Every flag evaluated for one caller, from definitions reused for `cacheMs` in this isolate. */
  async evaluateAll(user: { id: string } | null): Promise<Record<string, boolean>> {
    const flags = await this.#cachedFlags();
    const entries = await Promise.all(
      flags.map(async (flag) => [flag.name, (await evaluateFlag(flag, user)).on] as const),
    );
    return Object.fromEntries(entries);
  }

  #cachedFlags(): Promise<Flag[]> {
    const now = this.#now();
    if (!this.#all || now - this.#all.at > this.#cacheMs) {
      const flags = this.listAll().then((result) => result.flags);
      this.#all = { at: now, flags };
      flags.catch(() => {
        this.#all = undefined;
      });
    }
    return this.#all.flags;
  }

  async #bulkGet(keys: string[]): Promise<Map<string, unknown>> {
    try {
      return await this.#kv.get(keys, "json");
    } catch {
      // One unparsable value fails the whole bulk read: fall back to reading this chunk one by one.
      const entries = await Promise.all(
        keys.map(async (key) => [key, await this.#kv.get(key, "json").catch(() => null)] as const),
      );
      return new Map(entries);
    }
  }
}
