// Test helpers: accounts and sessions through the Worker's real fetch, as a browser or an API client would.
import { SELF } from "cloudflare:test";

export const BASE = "http://outpost.test";
export const COOKIE_NAME = "__Host-outpost_session";

let ipSeed = 0;
/** A distinct client IP per call, so per-IP limits of one test never leak into another. */
export function freshIp(): string {
  ipSeed++;
  return `198.51.${(ipSeed >> 8) & 255}.${ipSeed & 255}`;
}

let userSeed = 0;
export function freshEmail(label = "user"): string {
  userSeed++;
  return `${label}-${userSeed}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

export interface Client {
  /** Sends a request with this client's credentials (cookie + same-origin Origin, or bearer). */
  fetch(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  token: string;
  ip: string;
}

export function sessionTokenFrom(res: Response): string | null {
  for (const cookie of res.headers.getSetCookie()) {
    const match = new RegExp(`^${COOKIE_NAME}=([^;]*)`).exec(cookie);
    if (match?.[1]) return match[1];
  }
  return null;
}

export function call(path: string, init: RequestInit & { json?: unknown; ip?: string } = {}): Promise<Response> {
  const { json, ip, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (ip && !headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", ip);
  if (json !== undefined) headers.set("Content-Type", "application/json");
  return SELF.fetch(`${BASE}${path}`, {
    ...rest,
    headers,
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
}

export function cookieClient(token: string, ip = freshIp()): Client {
  return {
    token,
    ip,
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has("Cookie")) headers.set("Cookie", `${COOKIE_NAME}=${token}`);
      if (!headers.has("Origin")) headers.set("Origin", BASE);
      return call(path, { ...init, headers, ip });
    },
  };
}

export function bearerClient(token: string, ip = freshIp()): Client {
  return {
    token,
    ip,
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set("Authorization", `Bearer ${token}`);
      return call(path, { ...init, headers, ip });
    },
  };
}

export const PASSWORD = "a long and unusual passphrase";

/** Registers a user (cookie session). The first user of a test file becomes admin. */
export async function registerUser(label = "user", password = PASSWORD) {
  const ip = freshIp();
  const email = freshEmail(label);
  const res = await call("/api/auth/register", { method: "POST", ip, json: { email, password, displayName: label } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  const body = await res.json<{ user: { id: string; role: string; email: string } }>();
  const token = sessionTokenFrom(res);
  if (!token) throw new Error("register set no session cookie");
  return { email, password, user: body.user, client: cookieClient(token, ip) };
}

export async function login(email: string, password = PASSWORD, transport: "cookie" | "bearer" = "cookie") {
  const ip = freshIp();
  const res = await call("/api/auth/login", { method: "POST", ip, json: { email, password, transport } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = await res.json<{ token?: string; session: { id: string } }>();
  const token = transport === "bearer" ? body.token : sessionTokenFrom(res);
  if (!token) throw new Error("login returned no token");
  return {
    sessionId: body.session.id,
    client: transport === "bearer" ? bearerClient(token, ip) : cookieClient(token, ip),
  };
}
