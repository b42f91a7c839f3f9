// Where the journeys find things in the UI, in one place, so that a redesign means changing this file rather than
// every journey. Prefer roles and labels (what a person or a screen reader sees) over classes and structure.

/** A room's page. */
export const roomUi = {
  /** The message box. */
  composer: (page) => page.getByRole("textbox", { name: "Message" }),
  /** The connection state ("Connected", "Connection lost", …). */
  connection: (page) => page.locator("[data-testid=connection-state]"),
  /** Every message shown, and the one with `text`. */
  messages: (page) => page.locator("[data-testid=messages] .message"),
  message: (page, text) => page.locator(".message", { hasText: text }),
  roster: (page) => page.locator("[data-testid=roster]"),

  /** Opens /rooms/<room> and waits until the room is connected. */
  async open(page, base, room) {
    await page.goto(`${base}/rooms/${room}`);
    await roomUi.waitConnected(page);
  },
  waitConnected: (page, timeout = 15_000) =>
    roomUi.connection(page).filter({ hasText: "Connected" }).waitFor({ timeout }),

  /** Types `text` in the message box and sends it with Enter. */
  async send(page, text) {
    const box = roomUi.composer(page);
    await box.fill(text);
    await box.press("Enter");
  },
};

/** The rooms list. */
export const roomsUi = {
  /** The list item of `room` (found through its link). */
  item: (page, room) => page.locator("li", { has: page.getByRole("link", { name: `#${room}`, exact: true }) }),
  link: (page, room) => page.getByRole("link", { name: `#${room}`, exact: true }),
};

/** The assistant's page. */
export const assistantUi = {
  question: (page) => page.getByRole("textbox", { name: "Question" }),
  async ask(page, question) {
    await assistantUi.question(page).fill(question);
    await page.getByRole("button", { name: "Ask" }).click();
  },
  /** The latest question and answer. */
  lastTurn: (page) => page.locator("[data-testid=turn]").last(),
};

/** The files page: the card of a file. */
export const filesUi = {
  card: (page, name) => page.locator(`[data-testid=file][data-name="${name}"]`),
  chooser: (page) => page.getByLabel("Choose files"),
};
