// Where the journeys find things in the UI, in one place, so that a redesign means changing this file rather than
// every journey. Prefer roles and labels (what a person or a screen reader sees) over classes and structure.

/** The frame around every signed-in page: the sidebar (a drawer on a phone) and the quick switcher (Ctrl/⌘-K). */
export const shellUi = {
  /** The sidebar's navigation as shown now (on a phone, only while the drawer is open). */
  nav: (page) => page.getByRole("navigation", { name: "Main" }),
  /** The phone's top-bar button that opens the drawer, and the drawer itself. */
  drawerButton: (page) => page.getByRole("button", { name: "Open navigation" }),
  drawer: (page) => page.locator("dialog.drawer"),
  /** The quick switcher's dialog, its box and its options. */
  switcher: (page) => page.locator("dialog.switcher"),
  switcherBox: (page) => page.getByRole("combobox", { name: "Room or page name" }),
  switcherOptions: (page) => page.locator("dialog.switcher").getByRole("option"),
  /** The page's main heading. */
  heading: (page) => page.locator("main h1").first(),

  /** Opens the phone drawer with its button; answers the drawer once it is open. */
  async openDrawer(page) {
    await shellUi.drawerButton(page).click();
    const drawer = page.locator("dialog.drawer[open]");
    await drawer.waitFor({ timeout: 5_000 });
    return drawer;
  },
};

/** A room's page. */
export const roomUi = {
  /** The message box. */
  composer: (page) => page.getByRole("textbox", { name: "Message" }),
  /** The connection state ("Connected", "Connection lost", …). */
  connection: (page) => page.locator("[data-testid=connection-state]"),
  /** Every message shown, and the one with `text` (a message still on its way, `.pending`, is not one yet). */
  messages: (page) => page.locator("[data-testid=messages] .message:not(.pending)"),
  message: (page, text) => page.locator(".message:not(.pending)", { hasText: text }),
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

/** The rooms list (the page's own, not the sidebar's). */
export const roomsUi = {
  /** The list item of `room` (found through its link). */
  item: (page, room) => page.locator("main li", { has: page.getByRole("link", { name: `#${room}`, exact: true }) }),
  link: (page, room) => page.locator("main").getByRole("link", { name: `#${room}`, exact: true }),
};

/** The assistant's page. */
export const assistantUi = {
  question: (page) => page.getByRole("textbox", { name: "Question" }),
  async ask(page, question) {
    await assistantUi.question(page).fill(question);
    await page.getByRole("button", { name: "Send", exact: true }).click();
  },
  /** The latest question and answer. */
  lastTurn: (page) => page.locator("[data-testid=turn]").last(),
  /** The turn's steps: opened (they start folded), answering their labels. */
  async steps(turn) {
    const details = turn.locator("[data-testid=steps]");
    if (!(await details.evaluate((el) => el.open))) await details.locator("summary").click();
    return details.locator("li").allTextContents();
  },
  /** The conversation list's entry with this title (in the column beside the conversation, on a wide screen). */
  conversation: (page, title) => page.locator("[data-testid=conversation-link]", { hasText: title }),
};

/** The files page. */
export const filesUi = {
  /** A file's row in the list. */
  card: (page, name) => page.locator(`[data-testid=file][data-name="${name}"]`),
  chooser: (page) => page.getByLabel("Choose files"),
  /** The upload card of a file being (or just) uploaded. */
  transfer: (page, name) => page.locator("[data-testid=transfer]", { hasText: name }),
  /** The open file's panel. */
  panel: (page) => page.locator("[data-testid=file-panel]"),

  /** Opens a file's panel from its row; answers the panel once it shows that file. */
  async open(page, name) {
    await filesUi.card(page, name).getByRole("button", { name, exact: true }).click();
    const panel = filesUi.panel(page);
    await panel.getByRole("heading", { level: 2, name, exact: true }).waitFor({ timeout: 10_000 });
    return panel;
  },
};
