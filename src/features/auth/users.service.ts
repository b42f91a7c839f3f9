// Users in D1: creation with the first-admin rule, lookups, keyset paging, and whitelisted updates.

import { type PasswordHash, randomId } from "@outpost/edge-kit/crypto";
import { createCursorCodec } from "@outpost/edge-kit/cursor";
import { AppError, errors } from "@outpost/edge-kit/errors";
import type { Role, User } from "./auth.schema";

/** Columns read for an account, aliased to its fields: only `disabled` and the password need reshaping. */
const ACCOUNT_COLUMNS = `id, email, display_name AS displayName, role, disabled, created_at AS createdAt,
  session_epoch AS sessionEpoch, password_algorithm AS algorithm, password_iterations AS iterations,
  password_salt AS salt, password_hash AS hash`;

type AccountRow = Omit<UserAccount, "disabled" | "password"> & PasswordHash & { disabled: number };

/** A user with what only the server may see. */
export interface UserAccount extends User {
  password: PasswordHash;
  sessionEpoch: number;
}

export interface UserChanges {
  displayName?: string;
  role?: Role;
  disabled?: boolean;
  password?: PasswordHash;
}

/**
 * The only API fields that can change a user, and the columns they write. Anything else (`id`, `email`,
 * `password_hash`, `session_epoch`, SQL-looking keys…) is refused: column names never come from a request.
 */
const UPDATABLE_COLUMNS: Record<Exclude<keyof UserChanges, "password">, string> = {
  displayName: "display_name",
  role: "role",
  disabled: "disabled",
};

function toAccount({ algorithm, iterations, salt, hash, disabled, ...user }: AccountRow): UserAccount {
  return { ...user, disabled: disabled === 1, password: { algorithm, iterations, salt, hash } };
}

/** The public view: never the hash, never the epoch. */
export function toPublicUser(account: UserAccount): User {
  const { id, email, displayName, role, disabled, createdAt } = account;
  return { id, email, displayName, role, disabled, createdAt };
}

const cursors = createCursorCodec({ keys: 2 });

function decodeCursor(cursor: string): [string, string] {
  const keys = cursors.decode(cursor);
  if (keys) return keys;
  throw errors.badRequest("The cursor is not one this server issued", [
    { path: "query.cursor", message: "is invalid" },
  ]);
}

export interface UserServiceOptions {
  /** When set, only this email becomes admin at registration; otherwise the first user to register does. */
  adminEmail?: string;
  now?: () => Date;
}

export class UserService {
  readonly #db: D1Database;
  readonly #adminEmail?: string;
  readonly #now: () => Date;

  constructor(db: D1Database, options: UserServiceOptions = {}) {
    this.#db = db;
    this.#adminEmail = options.adminEmail;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Creates a user. The role is decided inside the INSERT (one statement, so atomic in D1): with no
   * configured admin email, whoever inserts into an empty table is admin and nobody else can be.
   */
  async create(input: { email: string; displayName: string; password: PasswordHash }) {
    const now = this.#now().toISOString();
    const roleSql = this.#adminEmail ? "?4" : "CASE WHEN EXISTS (SELECT 1 FROM users) THEN 'member' ELSE 'admin' END";
    const configuredRole: Role = this.#adminEmail && input.email === this.#adminEmail ? "admin" : "member";
    try {
      const row = await this.#db
        .prepare(
          `INSERT INTO users (id, email, display_name, role, password_algorithm, password_iterations, password_salt,
             password_hash, disabled, session_epoch, created_at, updated_at)
           SELECT ?1, ?2, ?3, ${roleSql}, ?5, ?6, ?7, ?8, 0, 0, ?9, ?9
           RETURNING ${ACCOUNT_COLUMNS}`,
        )
        .bind(
          randomId(),
          input.email,
          input.displayName,
          configuredRole,
          input.password.algorithm,
          input.password.iterations,
          input.password.salt,
          input.password.hash,
          now,
        )
        .first<AccountRow>();
      if (!row) throw new Error("INSERT … RETURNING returned no row");
      return { ok: true as const, user: toAccount(row) };
    } catch (error) {
      if (/UNIQUE constraint failed: users\.email/i.test(String(error)))
        return { ok: false as const, reason: "email-taken" as const };
      throw error;
    }
  }

  findByEmail(email: string): Promise<UserAccount | null> {
    return this.#findOne("email", email);
  }

  findById(id: string): Promise<UserAccount | null> {
    return this.#findOne("id", id);
  }

  /** One account by a unique column (a fixed name, never from a request). */
  async #findOne(column: "email" | "id", value: string): Promise<UserAccount | null> {
    const row = await this.#db
      .prepare(`SELECT ${ACCOUNT_COLUMNS} FROM users WHERE ${column} = ?`)
      .bind(value)
      .first<AccountRow>();
    return row ? toAccount(row) : null;
  }

  /** Several users in one query (≤ 100 ids, D1's bound-parameter limit). */
  async findManyByIds(ids: readonly string[]): Promise<Map<string, UserAccount>> {
    const unique = [...new Set(ids)].slice(0, 100);
    if (unique.length === 0) return new Map();
    const placeholders = unique.map(() => "?").join(", ");
    const { results } = await this.#db
      .prepare(`SELECT ${ACCOUNT_COLUMNS} FROM users WHERE id IN (${placeholders})`)
      .bind(...unique)
      .all<AccountRow>();
    return new Map(results.map((row) => [row.id, toAccount(row)]));
  }

  /**
   * Keyset pagination by (created_at, id): stable under inserts, no OFFSET scans. With `q`, only users whose
   * email starts with it or whose display name contains it; the cursor is a position, so it pages a search
   * the same way. The search scans the table, which suits an admin list.
   *
   * Not LIKE: D1 refuses LIKE and GLOB patterns over 50 bytes ("LIKE or GLOB pattern too complex"; 50 bytes
   * pass and 51 fail in local workerd), and an escaped 100-character query can be 200 bytes. `substr` and
   * `instr` compare the bound text literally, so `%`, `_` and `\` match themselves with nothing to escape.
   * Emails are stored in lower case; names are compared through SQLite's lower(), which folds ASCII only
   * ("ADA" finds "Ada", "é" does not find "É"), as LIKE would.
   */
  async list(options: { cursor?: string; limit?: number; q?: string }) {
    const limit = options.limit ?? 50;
    const after = options.cursor ? decodeCursor(options.cursor) : null;
    const where: string[] = [];
    const values: unknown[] = [];
    if (after) {
      where.push("(created_at, id) > (?, ?)");
      values.push(after[0], after[1]);
    }
    if (options.q) {
      // Emails are stored normalised (NFC, lower case): lower-case the prefix the same way. Names are folded
      // on both sides by SQLite's lower(), so a query in a name's exact case always finds it.
      const q = options.q.normalize("NFC");
      const prefix = q.toLowerCase();
      where.push("(substr(email, 1, length(?)) = ? OR instr(lower(display_name), lower(?)) > 0)");
      values.push(prefix, prefix, q);
    }
    const { results } = await this.#db
      .prepare(
        `SELECT ${ACCOUNT_COLUMNS} FROM users ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY created_at, id LIMIT ?`,
      )
      .bind(...values, limit + 1)
      .all<AccountRow>();
    const page = results.slice(0, limit);
    const last = page.at(-1);
    return {
      users: page.map((row) => toPublicUser(toAccount(row))),
      nextCursor: results.length > limit && last ? cursors.encode([last.createdAt, last.id]) : null,
    };
  }

  async countActiveAdmins(): Promise<number> {
    const row = await this.#db
      .prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0")
      .first<{ n: number }>();
    return row?.n ?? 0;
  }

  /**
   * Applies whitelisted changes. `revokeSessions` bumps the session epoch, so every session made before
   * now stops passing the D1 checks of sensitive routes at once.
   */
  async update(
    id: string,
    changes: UserChanges,
    options: { revokeSessions?: boolean } = {},
  ): Promise<UserAccount | null> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [field, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      if (field === "password") {
        const password = value as PasswordHash;
        sets.push("password_algorithm = ?", "password_iterations = ?", "password_salt = ?", "password_hash = ?");
        values.push(password.algorithm, password.iterations, password.salt, password.hash);
        continue;
      }
      const column = Object.hasOwn(UPDATABLE_COLUMNS, field)
        ? UPDATABLE_COLUMNS[field as keyof typeof UPDATABLE_COLUMNS]
        : undefined;
      if (!column) {
        throw new AppError(400, "field-not-updatable", "This field cannot be changed", {
          errors: [{ path: `body.${field.slice(0, 64)}`, message: "cannot be changed" }],
        });
      }
      sets.push(`${column} = ?`);
      values.push(typeof value === "boolean" ? Number(value) : value);
    }
    if (options.revokeSessions) sets.push("session_epoch = session_epoch + 1");
    if (sets.length === 0) return this.findById(id);
    sets.push("updated_at = ?");
    values.push(this.#now().toISOString());
    const row = await this.#db
      .prepare(`UPDATE users SET ${sets.join(", ")} WHERE id = ? RETURNING ${ACCOUNT_COLUMNS}`)
      .bind(...values, id)
      .first<AccountRow>();
    return row ? toAccount(row) : null;
  }
}
