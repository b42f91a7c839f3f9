// The app shell: header, navigation, and the page for the current path.

import { navigate, onLinkClick, usePath } from "./lib/router";
import { SessionProvider, useSession } from "./lib/session";
import { AdminPage } from "./pages/admin-page";
import { AssistantPage } from "./pages/assistant-page";
import { FilesPage } from "./pages/files-page";
import { HomePage } from "./pages/home-page";
import { RoomPage } from "./pages/room-page";
import { RoomsPage } from "./pages/rooms-page";
import { SettingsPage } from "./pages/settings-page";
import { SignInPage } from "./pages/sign-in-page";

function Page({ path }: { path: string }) {
  const { user, loading } = useSession();
  if (path === "/signin") return <SignInPage mode="sign-in" />;
  if (path === "/register") return <SignInPage mode="register" />;
  if (path === "/") return <HomePage />;
  if (loading) return <p aria-busy="true">Loading…</p>;
  if (!user) {
    return (
      <p>
        Please{" "}
        <a href="/signin" onClick={onLinkClick}>
          sign in
        </a>{" "}
        to continue.
      </p>
    );
  }
  if (path === "/rooms") return <RoomsPage />;
  const room = /^\/rooms\/([a-z0-9][a-z0-9_-]{0,63})$/.exec(path)?.[1];
  if (room) return <RoomPage key={room} room={room} />;
  if (path === "/settings") return <SettingsPage />;
  if (path === "/files") return <FilesPage />;
  if (path === "/assistant") return <AssistantPage />;
  if (path === "/admin") return <AdminPage />;
  return (
    <p>
      There is no page here.{" "}
      <a href="/" onClick={onLinkClick}>
        Go home
      </a>
      .
    </p>
  );
}

function Shell() {
  const path = usePath();
  const { user, signOut } = useSession();
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="/" onClick={onLinkClick}>
          Outpost
        </a>
        <nav aria-label="Main">
          <a href="/rooms" onClick={onLinkClick}>
            Rooms
          </a>
          {user && (
            <>
              <a href="/files" onClick={onLinkClick}>
                Files
              </a>
              <a href="/assistant" onClick={onLinkClick}>
                Assistant
              </a>
              {user.role === "admin" && (
                <a href="/admin" onClick={onLinkClick}>
                  Admin
                </a>
              )}
            </>
          )}
          <a href="/api/docs">API reference</a>
          {user ? (
            <>
              <a href="/settings" onClick={onLinkClick}>
                {user.displayName}
              </a>
              <button
                type="button"
                className="link light"
                onClick={() => void signOut().then(() => navigate("/signin"))}
              >
                Sign out
              </button>
            </>
          ) : (
            <a href="/signin" onClick={onLinkClick}>
              Sign in
            </a>
          )}
        </nav>
      </header>
      <main>
        <Page path={path} />
      </main>
    </div>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}
