// Where the rooms journey finds things in a room and in the rooms list, and how it reads a room's message list.
// The list is virtualised: only the rows near the screen are in the DOM, so nothing here counts `.message`
// elements; `data-loaded` on the list says how many messages it holds, each message is `article.message#m<id>`
// (with `data-id`), and `loadedMessages` scrolls the list through to read them all.

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A room's page. */
export const roomUi = {
  /** The message box, and its Send button. */
  composer: (page) => page.getByRole("textbox", { name: "Message" }),
  sendButton: (page) => page.getByRole("button", { name: "Send", exact: true }),
  /** The connection state ("Connected", "Connection lost — …", "Removed"). */
  connection: (page) => page.locator("[data-testid=connection-state]"),
  roster: (page) => page.locator("[data-testid=roster]"),
  /** The message list (also its scroller): "Messages in #room", with data-loaded and data-detached. */
  list: (page) => page.locator("[data-testid=messages]"),
  /** The message whose text is exactly `text` (not one still on its way), or the message with this id. */
  message: (page, text) =>
    page.locator("[data-testid=messages] article.message:not(.pending)").filter({
      has: page.locator(".message-body", { hasText: new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) }),
    }),
  messageById: (page, id) => page.locator(`[data-testid=messages] article.message#m${id}`),
  /** Messages of mine still on their way (data-status sending, failed or sent). */
  pending: (page) => page.locator("[data-testid=pending-message]"),
  typing: (page) => page.locator("[data-testid=typing]"),
  jumpToLatest: (page) => page.locator("[data-testid=jump-latest]"),
  newMessagesDivider: (page) => page.locator("[data-testid=new-messages]"),
  beginning: (page, room) => page.getByText(`This is the beginning of #${room}.`, { exact: true }),
  heading: (page) => page.locator("main h1").first(),
  /** The page for a room that does not exist (or is private and not mine): "There is no room called #…". */
  notFound: (page) => page.locator("[data-testid=room-not-found]"),
  /** A private room's members: the side panel (wide screens) or the dialog (narrow), and one member in it. */
  members: (page) => page.locator("[data-testid=members]"),
  member: (page, name) => page.locator(`[data-testid=members] li[data-member="${name}"]`),

  /** Opens /rooms/<room> (`query`: "?message=5", "#m5") and waits until it is connected with its messages. */
  async open(page, base, room, query = "") {
    await page.goto(`${base}/rooms/${room}${query}`);
    await roomUi.waitConnected(page);
    await roomUi.list(page).and(page.locator("[data-loaded]")).waitFor({ timeout: 15_000 });
  },
  waitConnected: (page, timeout = 15_000) =>
    roomUi
      .connection(page)
      .filter({ hasText: /^Connected$/ })
      .waitFor({ timeout }),

  /** Types `text` in the message box and sends it with Enter. */
  async send(page, text) {
    const box = roomUi.composer(page);
    await box.fill(text);
    await box.press("Enter");
  },

  /** How many messages the list holds (its data-loaded). */
  async loaded(page) {
    return Number(await roomUi.list(page).getAttribute("data-loaded"));
  },

  /** The list's scroll position: scrollTop, its greatest value, and how far from the bottom it is (px). */
  scroll: (page) =>
    roomUi.list(page).evaluate((el) => {
      const max = el.scrollHeight - el.clientHeight;
      return { top: el.scrollTop, max, gap: max - el.scrollTop };
    }),

  /** Whether `locator`'s element is wholly inside the list's visible part (a pixel of slack). */
  inView: (locator) =>
    locator.evaluate((el) => {
      const scroller = el.closest("[data-testid=messages]");
      if (!scroller) return false;
      const box = el.getBoundingClientRect();
      const view = scroller.getBoundingClientRect();
      return box.height > 0 && box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
    }),

  /** Scrolls the list up by about `px` with the mouse wheel, as a reader would. */
  async wheelUp(page, px) {
    const box = await roomUi.list(page).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let left = px; left > 0; left -= 200) {
      await page.mouse.wheel(0, -Math.min(200, left));
      await page.waitForTimeout(50);
    }
  },

  /**
   * Every message the list holds, oldest first, read by scrolling it from top to bottom (it must hold them all:
   * scrolling to its top would load earlier pages otherwise); `duplicates` lists ids shown twice at once. The
   * list is left at its bottom.
   */
  loadedMessages: (page) =>
    roomUi.list(page).evaluate(async (el) => {
      const frame = () =>
        new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 30))));
      const rows = new Map();
      const duplicates = [];
      const read = () => {
        const now = new Set();
        for (const article of el.querySelectorAll("article.message[data-id]:not(.pending)")) {
          const id = Number(article.dataset.id);
          if (now.has(id)) duplicates.push(id);
          now.add(id);
          rows.set(id, article.querySelector(".message-body")?.textContent?.trim() ?? "");
        }
      };
      // A reader's scroll: the page stops keeping the list at its bottom (as for a wheel or a touch).
      el.dispatchEvent(new WheelEvent("wheel", { deltaY: -1 }));
      el.scrollTop = 0;
      await frame();
      for (let i = 0; i < 1_000; i++) {
        read();
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) break;
        el.scrollTop += Math.max(50, el.clientHeight * 0.6);
        await frame();
      }
      read();
      el.scrollTop = el.scrollHeight;
      await frame();
      const messages = [...rows].sort((a, b) => a[0] - b[0]).map(([id, text]) => ({ id, text }));
      return { messages, duplicates };
    }),
};

/** The rooms list (the page's own, in #main: the sidebar lists the rooms too), and the sidebar's room links. */
export const roomsUi = {
  item: (page, room) => page.locator(`#main li[data-room="${room}"]`),
  link: (page, room) => page.locator("#main").getByRole("link", { name: `#${room}`, exact: true }),
  /** " · N unread" on a room's item (absent when nothing is unread). */
  unread: (page, room) => roomsUi.item(page, room).locator("[data-testid=unread]"),
  /** The sidebar's link to a room, and its unread badge. */
  sidebarLink: (page, room) => page.locator(`nav[aria-label=Main] a[href="/rooms/${room}"]`),
  sidebarBadge: (page, room) => page.locator(`nav[aria-label=Main] a[href="/rooms/${room}"] .badge`),
};
