// The sign-up and sign-in fixtures: a fresh user registered through the API (fast, and independent of the UI being
// tested) or through the register page, each in a browser context of their own with a signed-in page; and the
// admin, who is whoever registers with ADMIN_EMAIL (set on the e2e server, see server.mjs).
import { ADMIN_EMAIL } from "./server.mjs";

export const PASSWORD = "a long passphrase for e2e";

/** A signed-in person: their account, browser context and page, and their API session (the context's cookie). */
export class User {
  /** @type {string | undefined} */
  #token;

  constructor({ base, name, email, password, id, role, context, page }) {
    Object.assign(this, { base, name, email, password, id, role, context, page });
  }

  /**
   * A JSON API call with this user's cookie session and a first-party Origin (as the app's CSRF check wants).
   * Throws unless the status is one of `expect`; answers the parsed body (null when there is none).
   */
  async api(method, path, body, { expect = [200, 201, 204], headers = {}, raw } = {}) {
    const res = await this.context.request.fetch(`${this.base}${path}`, {
      method,
      headers: {
        Origin: this.base,
        ...(body !== undefined && raw === undefined ? { "Content-Type": "application/json" } : {}),
        ...headers,
      },
      data: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    if (!expect.includes(res.status())) {
      throw new Error(
        `${method} ${path} as ${this.name} answered ${res.status()}: ${(await res.text()).slice(0, 300)}`,
      );
    }
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  /** A bearer token for this user (a second session, for API clients such as a WebSocket from Node). */
  async token() {
    if (!this.#token) this.#token = (await login(this.base, this.email, this.password, "bearer")).token;
    return this.#token;
  }
}

async function login(base, email, password, transport) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: base },
    body: JSON.stringify({ email, password, transport }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * Registers `{ name, email, password }` through the API in `context` (its cookie jar keeps the session); when the
 * email is taken and `orSignIn`, signs in instead. Answers the account.
 */
export async function registerWithApi(context, base, { name, email, password }, { orSignIn = false } = {}) {
  const headers = { Origin: base };
  const res = await context.request.post(`${base}/api/auth/register`, {
    headers,
    data: { email, password, displayName: name },
  });
  if (res.status() === 409 && orSignIn) return signInWithApi(context, base, { email, password });
  if (res.status() !== 201) throw new Error(`registering ${email} answered ${res.status()}: ${await res.text()}`);
  return (await res.json()).user;
}

/** Signs `context` in through the API (a cookie session). Answers the account. */
export async function signInWithApi(context, base, { email, password }) {
  const res = await context.request.post(`${base}/api/auth/login`, {
    headers: { Origin: base },
    data: { email, password },
  });
  if (res.status() !== 200) throw new Error(`sign-in of ${email} answered ${res.status()}: ${await res.text()}`);
  return (await res.json()).user;
}

/**
 * Registers on the register page, as a person would: the fields found by their labels, the form sent with Enter.
 * Waits until the app has moved on to the home page and greets them.
 */
export async function registerInBrowser(page, base, { name, email, password }) {
  await page.goto(`${base}/register`);
  await page.getByLabel("Display name").fill(name);
  await page.getByLabel("Email", { exact: true }).fill(email);
  const passwordField = page.getByLabel("Password", { exact: true });
  await passwordField.fill(password);
  await passwordField.press("Enter");
  await page.waitForURL(`${base}/`, { timeout: 15_000 });
  await page.getByRole("heading", { level: 1, name: `Welcome back, ${name}` }).waitFor({ timeout: 10_000 });
}

/** The admin account's details (its display name is used only when it is first registered). */
export const ADMIN = { name: "Ada Admin", email: ADMIN_EMAIL, password: PASSWORD };
