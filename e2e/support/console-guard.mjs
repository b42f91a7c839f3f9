// The console fixture: every `console.error` and uncaught page error of every page a journey opens is recorded, and
// fails the step it happened in unless it matches a pattern the journey allowed: for the whole journey
// (`defineJourney(name, { allowConsole })`) or while one piece of it runs (`j.expectingConsole(pattern, fn)`).

export class ConsoleGuard {
  /** @type {RegExp[]} */
  #always;
  /** @type {RegExp[][]} allow-lists of the `expecting` calls running now */
  #scoped = [];
  /** @type {string[]} unexpected errors not yet reported */
  #pending = [];
  /** @type {string[]} every expected error, for the record */
  expected = [];

  /** @param {RegExp[]} allow errors the whole journey expects */
  constructor(allow) {
    this.#always = allow;
  }

  /** Records the console errors and page errors of `page`, labelled with whose page it is. */
  watch(page, label) {
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const where = message.location()?.url;
      this.#record(label, page, message.text(), where ? ` (${where})` : "");
    });
    page.on("pageerror", (error) => this.#record(label, page, `uncaught ${error.name}: ${error.message}`, ""));
  }

  #record(label, page, text, where) {
    const line = `${label} on ${safeUrl(page)}: ${text}${where}`;
    if ([...this.#always, ...this.#scoped.flat()].some((pattern) => pattern.test(text))) this.expected.push(line);
    else this.#pending.push(line);
  }

  /** Runs `fn` with console errors matching `patterns` allowed (e.g. the 403 a refusal test provokes on purpose). */
  async expecting(patterns, fn) {
    const list = Array.isArray(patterns) ? patterns : [patterns];
    this.#scoped.push(list);
    try {
      return await fn();
    } finally {
      this.#scoped.splice(this.#scoped.indexOf(list), 1);
    }
  }

  /** The unexpected errors since the last call. */
  drain() {
    return this.#pending.splice(0);
  }
}

function safeUrl(page) {
  try {
    return new URL(page.url()).pathname;
  } catch {
    return page.url();
  }
}
