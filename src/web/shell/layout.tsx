// The frame around every page: a skip link; for a signed-in user the sidebar (a drawer on a phone, opened from
// the top bar) and the quick switcher (Ctrl/⌘-K); for a visitor a slim header. On each navigation the tab title
// follows the page and focus moves to the page's heading, so screen readers announce the new page.
import { useQuery } from "@tanstack/react-query";
import { Suspense, useCallback, useEffect, useRef, useState } from "react";
import { Link, Outlet, useLocation, useMatches, useNavigation } from "react-router";
import { roomsQuery } from "../lib/queries";
import { useSession } from "../lib/session";
import type { RouteHandle } from "../routes";
import { QuickSwitcher } from "./quick-switcher";
import { Sidebar } from "./sidebar";
import { PageSkeleton } from "./skeleton";

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
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [location.pathname]);
}

function TotalUnread() {
  const rooms = useQuery(roomsQuery);
  const total = rooms.data?.reduce((sum, room) => sum + (room.unread ?? 0), 0) ?? 0;
  return total > 0 ? (
    <span className="badge" role="status" aria-label={`${total} unread`}>
      {total > 99 ? "99+" : total}
    </span>
  ) : null;
}

function TabTitle({ title, signedIn }: { title: string; signedIn: boolean }) {
  const rooms = useQuery({ ...roomsQuery, enabled: signedIn });
  const total = signedIn ? (rooms.data?.reduce((sum, room) => sum + (room.unread ?? 0), 0) ?? 0) : 0;
  useEffect(() => {
    document.title = `${total > 0 ? `(${total}) ` : ""}${title} · Outpost`;
  }, [title, total]);
  return null;
}

export function Layout() {
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
        <TabTitle title={title} signedIn={false} />
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
      <TabTitle title={title} signedIn />
      {skip}
      <Sidebar onOpenSwitcher={openSwitcher} />
      <div className="content">
        <header className="topbar">
          <button
            type="button"
            aria-label="Open navigation"
            aria-haspopup="dialog"
            onClick={() => drawer.current?.showModal()}
          >
            ☰
          </button>
          <TotalUnread />
          <span className="title">{title}</span>
          <button type="button" aria-label="Jump to a room or page" onClick={openSwitcher}>
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
