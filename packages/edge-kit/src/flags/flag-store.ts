// Feature flags in KV: validated writes, corrupt values read as off, cursor-following bulk listing, a short cache.
import { randomId } from "../crypto";
import { evaluateFlag, type FlagDecision, type FlagUser } from "./evaluate-flag";
import { type Flag, FlagInputSchema, FlagNameSchema, FlagSchema, isWithinFlagSizeLimit } from "./flag-schema";
import {
  decodeFlag,
  decodeFlagText,
  encodeFlag,
  FLAG_KEY_PREFIX,
  flagKey,
  MAX_BULK_GET_KEYS,
  MAX_LIST_LIMIT,
  nameFromKey,
} from "./internal/stored-flag";
import { TtlCache } from "./internal/ttl-cache";

export type FlagRead = { ok: true; flag: Flag } | { ok: false; reason: "missing" | "corrupt" };

/** `path` is relative to the input (`allowList.3`, a rejected key such as `salt`), `name`, or "" for the whole. */
export interface FlagIssue {
  path: string;
  message: string;
}

export type FlagWrite =
  | { ok: true; flag: Flag }
  | { ok: false; reason: "invalid"; issues: FlagIssue[] }
  | { ok: false; reason: "too-large" };

/** Flags, and names whose stored value is not a valid flag, in name order. */
export interface FlagListing {
  flags: Flag[];
  corrupt: string[];
}

export interface FlagPage extends FlagListing {
  /** Pass back to `list()` for the next page; null once KV reported `list_complete`. */
  cursor: string | null;
}

export interface FlagListOptions {
  cursor?: string | undefined;
  /** Keys to list, 1–1 000 (default 1 000, KV's maximum). A page can hold fewer flags, even none. */
  limit?: number | undefined;
}

export interface FlagStoreOptions {
  /** How long `evaluate` and `evaluateAll` reuse definitions in this isolate (default 10 000 ms; 0 = never). */
  cacheMs?: number;
  now?: () => number;
  /**
   * What each flag evaluates to when KV cannot be read (a failed `get` or `list`): the documented default
   * of the flags that have one; every other flag is off then, as a missing one is.
   */
  defaults?: Readonly<Record<string, boolean>>;
  /** Told of each KV failure that evaluation fell back from, to log or count it. */
  onUnavailable?: (error: unknown) => void;
}

/** A stored flag's decision, or "unavailable": KV could not be read and the flag's default applies. */
export type FlagStoreDecision = { on: boolean; reason: FlagDecision["reason"] | "unavailable"; exists: boolean };

/** Every flag for one caller, and whether KV was unreadable so these are the defaults (see `defaults`). */
export interface FlagEvaluations {
  flags: Record<string, boolean>;
  unavailable: boolean;
}

const DEFAULT_CACHE_MS = 10_000;
/** Names remembered by `evaluate`; asking about made-up names must not grow memory without bound. */
const MAX_CACHED_NAMES = 1_000;
const ALL = "*";

const UpdatedBySchema = FlagSchema.shape.updatedBy;

/**
 * Flag definitions under `flag:<name>` in one KV namespace. Writes are validated and capped at 8 KiB; a
 * definition small enough (≤ 1 024 bytes) is also kept in the key's metadata so listing needs no reads.
 * A stored value that does not parse reads as `corrupt` and evaluates as off; nothing here throws for it.
 *
 * Consistency: KV is eventually consistent, so other locations may evaluate the previous definition for
 * about 60 s after a write (developers.cloudflare.com/kv/concepts/how-kv-works/), plus up to `cacheMs` in
 * isolates that read it recently. A kill switch is therefore fast but not instant everywhere.
 *
 * @example
 * const flags = new FlagStore(env.CONFIG);
 * await flags.put("new-editor", { enabled: true, rolloutPercentage: 30 }, adminId);
 * await flags.evaluateAll({ id: userId }); // { "new-editor": true, … }
 */
export class FlagStore {
  readonly #kv: KVNamespace;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #byName = new TtlCache<FlagRead>(MAX_CACHED_NAMES);
  readonly #all = new TtlCache<FlagListing>(1);
  readonly #defaults: Readonly<Record<string, boolean>>;
  readonly #onUnavailable: (error: unknown) => void;

  constructor(kv: KVNamespace, options: FlagStoreOptions = {}) {
    this.#kv = kv;
    this.#cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
    this.#now = options.now ?? Date.now;
    this.#defaults = { ...options.defaults };
    this.#onUnavailable = options.onUnavailable ?? (() => {});
  }

  /**
   * Creates or replaces the flag `name` from an admin's `input`. The salt is made on creation and kept on
   * every update. Invalid input and definitions over 8 KiB are returned as outcomes and nothing is written.
   * Two concurrent first writes may each make a salt; the last write wins, as KV's last write always does.
   * Throws a RangeError for an `actor` that is not a user id (1–64 characters): that is a caller's bug.
   */
  async put(name: string, input: unknown, actor: string): Promise<FlagWrite> {
    if (!UpdatedBySchema.safeParse(actor).success) throw new RangeError("actor must be a user id of 1–64 characters");
    const validName = FlagNameSchema.safeParse(name);
    const parsed = FlagInputSchema.safeParse(input);
    if (!validName.success || !parsed.success) {
      const nameIssues = (validName.error?.issues ?? []).map((issue) => ({ path: "name", message: issue.message }));
      return { ok: false, reason: "invalid", issues: [...nameIssues, ...inputIssues(parsed.error?.issues ?? [])] };
    }
    const existing = await this.#read(name);
    const flag: Flag = {
      ...parsed.data,
      name,
      salt: existing.ok ? existing.flag.salt : randomId(16),
      updatedAt: new Date(this.#now()).toISOString(),
      updatedBy: actor,
    };
    if (!isWithinFlagSizeLimit(flag)) return { ok: false, reason: "too-large" };
    const { value, metadata } = encodeFlag(flag);
    await this.#kv.put(flagKey(name), value, metadata ? { metadata } : {});
    this.#forget();
    return { ok: true, flag };
  }

  /** The stored definition, read from KV now (not from this isolate's cache). */
  async get(name: string): Promise<FlagRead> {
    if (!FlagNameSchema.safeParse(name).success) return { ok: false, reason: "missing" };
    return this.#read(name);
  }

  /** Deletes the flag; true when a value (valid or corrupt) was stored under its name. */
  async delete(name: string): Promise<boolean> {
    if (!FlagNameSchema.safeParse(name).success) return false;
    const existed = (await this.#kv.get(flagKey(name), "text")) !== null;
    await this.#kv.delete(flagKey(name));
    this.#forget();
    return existed;
  }

  /**
   * One page of definitions: one `list()` call, then bulk reads (100 keys a call) for the flags whose
   * definition is not in the key's metadata. Follow `cursor` until it is null: an empty page is not the end.
   * A key deleted between the list and the read is left out.
   */
  async list(options: FlagListOptions = {}): Promise<FlagPage> {
    const limit = options.limit ?? MAX_LIST_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new RangeError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${limit}`);
    }
    const { cursor } = options;
    const page = await this.#kv.list({ prefix: FLAG_KEY_PREFIX, ...(cursor === undefined ? {} : { cursor }), limit });
    const listing = await this.#readKeys(page.keys);
    return { ...listing, cursor: page.list_complete ? null : page.cursor };
  }

  /**
   * Every definition, for the admin view: ⌈n / 1 000⌉ list calls plus ⌈m / 100⌉ bulk reads for the m flags
   * too large for metadata. KV allows 1 000 operations per invocation, so this suits thousands of flags.
   */
  async listAll(): Promise<FlagListing> {
    const flags: Flag[] = [];
    const corrupt: string[] = [];
    let cursor: string | null = null;
    do {
      const page: FlagPage = await this.list(cursor === null ? {} : { cursor });
      flags.push(...page.flags);
      corrupt.push(...page.corrupt);
      cursor = page.cursor;
    } while (cursor !== null);
    return { flags, corrupt };
  }

  /**
   * One flag for one caller, from definitions cached for `cacheMs`; missing and corrupt flags are off.
   * Never throws for KV: when the definition cannot be read, the flag's default (`defaults`, else off) is
   * returned with reason "unavailable" and `exists: false`.
   */
  async evaluate(name: string, user: FlagUser): Promise<FlagStoreDecision> {
    let read: FlagRead;
    try {
      read = await this.#cachedRead(name);
    } catch (error) {
      this.#onUnavailable(error);
      return { on: this.#defaults[name] === true, reason: "unavailable", exists: false };
    }
    const decision = await evaluateFlag(read.ok ? read.flag : null, user);
    return { ...decision, exists: read.ok || read.reason === "corrupt" };
  }

  /** Every flag for one caller (corrupt ones as false), from definitions cached for `cacheMs`. */
  async evaluateAll(user: FlagUser): Promise<Record<string, boolean>> {
    return (await this.evaluateAllWithStatus(user)).flags;
  }

  /**
   * Like `evaluateAll`, saying whether KV was unreadable: then `flags` holds the `defaults` only, and a
   * caller that caches evaluations should not keep them.
   */
  async evaluateAllWithStatus(user: FlagUser): Promise<FlagEvaluations> {
    let listing: FlagListing;
    try {
      listing = await this.#cachedListing();
    } catch (error) {
      this.#onUnavailable(error);
      return { flags: { ...this.#defaults }, unavailable: true };
    }
    const { flags, corrupt } = listing;
    const result: Record<string, boolean> = {};
    for (const name of corrupt) if (FlagNameSchema.safeParse(name).success) result[name] = false;
    const decisions = await Promise.all(flags.map((flag) => evaluateFlag(flag, user)));
    for (const [i, flag] of flags.entries()) result[flag.name] = decisions[i]?.on === true;
    return { flags: result, unavailable: false };
  }

  async #read(name: string): Promise<FlagRead> {
    const text = await this.#kv.get(flagKey(name), "text");
    if (text === null) return { ok: false, reason: "missing" };
    const flag = decodeFlagText(name, text);
    return flag ? { ok: true, flag } : { ok: false, reason: "corrupt" };
  }

  async #cachedRead(name: string): Promise<FlagRead> {
    const now = this.#now();
    const cached = this.#byName.get(name, now, this.#cacheMs);
    if (cached) return cached;
    const generation = this.#byName.generation;
    const read = await this.get(name);
    this.#byName.set(name, read, now, generation);
    return read;
  }

  async #cachedListing(): Promise<FlagListing> {
    const now = this.#now();
    const cached = this.#all.get(ALL, now, this.#cacheMs);
    if (cached) return cached;
    const generation = this.#all.generation;
    const listing = await this.listAll();
    this.#all.set(ALL, listing, now, generation);
    return listing;
  }

  async #readKeys(keys: KVNamespaceListKey<unknown>[]): Promise<FlagListing> {
    const fromMetadata = new Map<string, Flag>();
    const toRead: string[] = [];
    for (const key of keys) {
      const flag = decodeFlag(nameFromKey(key.name), key.metadata);
      if (flag) fromMetadata.set(key.name, flag);
      else toRead.push(key.name);
    }
    const texts = await this.#bulkRead(toRead);
    const flags: Flag[] = [];
    const corrupt: string[] = [];
    for (const key of keys) {
      const name = nameFromKey(key.name);
      const text = texts.get(key.name);
      const flag = fromMetadata.get(key.name) ?? (typeof text === "string" ? decodeFlagText(name, text) : null);
      if (flag) flags.push(flag);
      else if (typeof text === "string") corrupt.push(name);
    }
    return { flags, corrupt };
  }

  /**
   * Values as text, 100 keys a call. Not "json": one value that is not JSON fails a whole multi-key "json"
   * read ("At least one of the requested keys corresponds to a non-json value"), hiding 99 good flags.
   */
  async #bulkRead(keys: string[]): Promise<Map<string, string | null>> {
    const chunks: string[][] = [];
    for (let i = 0; i < keys.length; i += MAX_BULK_GET_KEYS) chunks.push(keys.slice(i, i + MAX_BULK_GET_KEYS));
    const maps = await Promise.all(chunks.map((chunk) => this.#kv.get(chunk, "text")));
    return new Map(maps.flatMap((map) => [...map]));
  }

  #forget(): void {
    this.#byName.clear();
    this.#all.clear();
  }
}

/** zod's issues as paths in the input; an unknown-keys issue becomes one issue per key, named by the key. */
function inputIssues(
  issues: ReadonlyArray<{ code: string; path: PropertyKey[]; message: string; keys?: string[] }>,
): FlagIssue[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys" && issue.keys) {
      return issue.keys.map((key) => ({ path: [...path, key].join("."), message: "is not a flag field" }));
    }
    return [{ path: path.join("."), message: issue.message }];
  });
}
