// Schema-driven fuzzing of every JSON route: wrong types, extra and missing keys, prototype keys, huge and
// odd numbers, unicode. Nothing may answer 5xx or echo exception text.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, registerUser } from "./helpers";

const RUNS = 300;
const SEED = 424_242;

const weirdValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom("\u0000", "\u202E", "'; DROP TABLE users; --", "__proto__", "a".repeat(5_000)),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53 + 1, 1e308),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.integer(), { maxKeys: 3 }),
);

/** A body built from the route's real keys, mutated: values replaced, keys dropped, keys added. */
function bodyFor(keys: string[]) {
  return fc
    .tuple(
      fc.dictionary(fc.constantFrom(...keys), weirdValue, { maxKeys: keys.length }),
      fc.dictionary(fc.constantFrom("__proto__", "constructor", "role", "id", "password_hash", "x"), weirdValue, {
        maxKeys: 2,
      }),
      fc.boolean(),
    )
    .map(([known, extra, withExtra]) =>
      JSON.stringify(withExtra ? { ...known, ...extra } : known).replace(/"x":/, '"__proto__":'),
    );
}

let admin: Client;
let memberId = "";
/** One member per route: the per-user API limit (600/min) would otherwise refuse most of the later runs. */
const members: Record<string, Client> = {};
const member = (name: string) => () => members[name] as Client;

beforeAll(async () => {
  admin = (await registerUser("fuzz-admin")).client;
  for (const name of ["register", "login", "update me", "counter step"]) {
    const m = await registerUser(`fuzz-${name.replace(" ", "-")}`);
    members[name] = m.client;
    memberId ||= m.user.id;
  }
});

const ROUTES: { name: string; method: string; path: () => string; keys: string[]; as: () => Client }[] = [
  {
    name: "register",
    method: "POST",
    path: () => "/api/auth/register",
    keys: ["email", "password", "displayName"],
    as: member("register"),
  },
  {
    name: "login",
    method: "POST",
    path: () => "/api/auth/login",
    keys: ["email", "password", "transport"],
    as: member("login"),
  },
  {
    name: "update me",
    method: "PATCH",
    path: () => "/api/users/me",
    keys: ["displayName", "password"],
    as: member("update me"),
  },
  {
    name: "admin update user",
    method: "PATCH",
    path: () => `/api/users/${memberId}`,
    keys: ["role", "disabled"],
    as: () => admin,
  },
  {
    name: "put flag",
    method: "PUT",
    path: () => "/api/features/fuzzed",
    keys: ["description", "enabled", "rolloutPercentage", "allowList", "killSwitch"],
    as: () => admin,
  },
  {
    name: "counter step",
    method: "POST",
    path: () => "/api/counters/fuzz/increment",
    keys: ["amount"],
    as: member("counter step"),
  },
];

describe("schema-driven fuzzing", () => {
  for (const route of ROUTES) {
    it(`${route.name}: ${RUNS} mutated bodies, no 5xx, no exception text`, async () => {
      const statuses: Record<number, number> = {};
      await fc.assert(
        fc.asyncProperty(bodyFor(route.keys), async (body) => {
          const res = await route.as().fetch(route.path(), {
            method: route.method,
            headers: { "Content-Type": "application/json", "CF-Connecting-IP": "198.51.100.200" },
            body,
          });
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          const text = await res.text();
          expect(res.status, body.slice(0, 200)).toBeLessThan(500);
          expect(text).not.toMatch(/TypeError|SyntaxError|ReferenceError|at .+\.(ts|js):\d+/);
        }),
        { seed: SEED, numRuns: RUNS },
      );
      console.log(`fuzz ${route.name}: ${RUNS} requests (seed ${SEED}), statuses ${JSON.stringify(statuses)}`);
    });
  }
});
