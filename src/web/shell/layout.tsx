// The frame around every page: a skip link; for a signed-in user the sidebar (a drawer on a phone, opened from
// the top bar), a header with the search box ("/") and the inbox, the inbox's socket (one per signed-in user),
// and the quick switcher (Ctrl/⌘-K); for a visitor a slim header. On each navigation the tab title follows the
// page (with the unread inbox count in front) and focus moves to the page's heading, so screen readers announce
// the new page.
import { useQuery } from "@tanstack/react-query";
import { Suspense, useCallback, useEffect, useRef, useState } from "react";
import { Link, Outlet, useLocation, useMatches, useNavigation } from "react-router";
import { roomsQuery } from "../lib/queries";
import { useSession } from "../lib/session";
import type { RouteHandle } from "../routes";
import { InboxProvider, useInbox } from "./inbox";
import { TopbarInboxLink } from "./inbox-link";
import { QuickSwitcher } from "./quick-switcher";
import { SearchBox } from "./search-box";
import { Sidebar } from "./sidebar";
import { PageSkeleton } from "./skeleton";
import { badgeText, formatTabTitle } from "./tab-title";

function usePageTitle(): string {
  const matches = useMatches();
  for (let i = matches.length - 1; i >= 0; i--) {
    const match = matches[i];
    const handle = match?.handle as RouteHandle | undefined;
    if (handle?.title) return typeof handle.title === "function" ? handle.title(match?.params ?? {}) : handle.title;
  }
  return "Outpost";
}

/** After a navigation (not the first load), focus the new page's heading, or the main region. */
function useFocusOnNavigate(main: React.RefObject<HTMLElement | null>) {
  const location = useLocation();
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every path change by design
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // Links to a place in a page (#m59, ?message=) are handled by that page.
    if (location.hash) return;
    const frame = requestAnimationFrame(() => {
      const target = main.current?.querySelector<HTMLElement>("h1") ?? main.current;
      if (!target || target.contains(document.activeElement)) return;
      // A page that put the caret in a field itself (the search page without a query) keeps it there.
      const active = document.activeElement;
      if (active && main.current?.contains(active) && active.matches("input, textarea")) return;
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [location.pathname]);
}

/** Unread room messages, by the menu button on a phone (the sidebar with each room's count is in the drawer). */
function TotalUnread() {
  const rooms = useQuery(roomsQuery);
  const total = rooms.data?.reduce((sum, room) => sum + (room.unread ?? 0), 0) ?? 0;
  const text = badgeText(total);
  return text ? (
    <span className="badge rooms-unread" role="status" aria-label={`${total} unread in rooms`}>
      {text}
    </span>
  ) : null;
}

/** "(N) Page · Outpost" while N inbox entries (mentions, replies) are unread. */
function TabTitle({ title }: { title: string }) {
  const { unread } = useInbox();
  useEffect(() => {
    document.title = formatTabTitle(title, unread);
  }, [title, unread]);
  return null;
}

export function Layout() {
  const { user } = useSession();
  return (
    <InboxProvider userId={user?.id ?? null}>
      <Frame />
    </InboxProvider>
  );
}

function Frame() {
  const { user, loading } = useSession();
  const title = usePageTitle();
  const main = useRef<HTMLElement>(null);
  const drawer = useRef<HTMLDialogElement>(null);
  const [switcherOpen, setSwitcherOpen] = useState(false);
  const navigation = useNavigation();
  const location = useLocation();
  useFocusOnNavigate(main);

  const closeDrawer = useCallback(() => drawer.current?.close(), []);
  const openSwitcher = useCallback(() => {
    drawer.current?.close();
    setSwitcherOpen(true);
  }, []);

  // Ctrl/⌘-K anywhere opens the quick switcher (signed in only).
  useEffect(() => {
    if (!user) return;
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") {
        event.preventDefault();
        openSwitcher();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [user, openSwitcher]);

  // A navigation from inside the drawer closes it (also when the URL changes another way).
  // biome-ignore lint/correctness/useExhaustiveDependencies: closes on every path change
  useEffect(() => {
    drawer.current?.close();
  }, [location.pathname]);

  const body = (
    <main id="main" ref={main} className="page" aria-busy={navigation.state === "loading" || undefined}>
      <Suspense fallback={<PageSkeleton />}>
        <Outlet />
      </Suspense>
    </main>
  );

  const skip = (
    <a className="skip-link" href="#main">
      Skip to content
    </a>
  );

  if (!user) {
    return (
      <div className="app bare">
        <TabTitle title={title} />
        {skip}
        <header className="bare-header">
          <Link className="brand" to="/">
            Outpost
          </Link>
          {!loading && (
            <nav aria-label="Account">
              <Link to="/signin">Sign in</Link>
              <Link to="/register">Create account</Link>
            </nav>
          )}
        </header>
        {body}
      </div>
    );
  }

  return (
    <div className="app">
      <TabTitle title={title} />
      {skip}
      <Sidebar onOpenSwitcher={openSwitcher} />
      <div className="content">
        <header className="topbar">
          <button
            type="button"
            className="menu-button"
            aria-label="Open navigation"
            aria-haspopup="dialog"
            onClick={() => drawer.current?.showModal()}
          >
            ☰
          </button>
          <TotalUnread />
          <span className="title">{title}</span>
          <SearchBox />
          <TopbarInboxLink />
          <button type="button" className="switcher-icon" aria-label="Jump to a room or page" onClick={openSwitcher}>
            ⌕
          </button>
        </header>
        {body}
      </div>
      <dialog
        ref={drawer}
        className="drawer"
        aria-label="Navigation"
        onClick={(event) => {
          // A click on the backdrop (the dialog element itself, outside its content) closes the drawer.
          if (event.target === event.currentTarget) closeDrawer();
        }}
        onKeyDown={() => {}}
      >
        <Sidebar onNavigate={closeDrawer} onOpenSwitcher={openSwitcher} />
      </dialog>
      {switcherOpen && <QuickSwitcher onClose={() => setSwitcherOpen(false)} />}
    </div>
  );
}
