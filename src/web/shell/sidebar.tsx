// The sidebar: the inbox with its unread count, rooms with unread and mention badges, the other pages, and me.
// The same component fills the desktop column and the phone drawer.
import { useQuery } from "@tanstack/react-query";
import { NavLink, useNavigate } from "react-router";
import { roomsQuery } from "../lib/queries";
import { useSession } from "../lib/session";
import { SidebarInboxLink } from "./inbox-link";
import { RoomCounts, roomCounts } from "./room-counts";

/** A padlock for private rooms (an emoji needs a font the system may lack). */
function LockIcon() {
  return (
    <svg className="lock" viewBox="0 0 16 16" width="12" height="12" role="img" aria-label="Private:">
      <path
        fill="currentColor"
        d="M4 7V5a4 4 0 1 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7H4Zm2 0h4V5a2 2 0 1 0-4 0v2Z"
      />
    </svg>
  );
}

const navClass = ({ isActive }: { isActive: boolean }) => (isActive ? "nav-item active" : "nav-item");

export function Sidebar({ onNavigate, onOpenSwitcher }: { onNavigate?: () => void; onOpenSwitcher: () => void }) {
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const rooms = useQuery(roomsQuery);
  if (!user) return null;
  return (
    <nav className="sidebar" aria-label="Main">
      <NavLink to="/" className="brand" onClick={onNavigate} end>
        Outpost
      </NavLink>
      <button type="button" className="nav-item switcher-button" onClick={onOpenSwitcher}>
        <span>Jump to…</span>
        <kbd aria-label="Control K">Ctrl K</kbd>
      </button>
      <NavLink to="/" className={navClass} onClick={onNavigate} end>
        <span className="label">Home</span>
      </NavLink>
      <SidebarInboxLink onNavigate={onNavigate} />
      <div className="nav-section">
        <span>Rooms</span>
        <NavLink to="/rooms" onClick={onNavigate} end>
          Browse
        </NavLink>
      </div>
      <ul className="list" aria-label="Rooms" style={{ gap: 0, margin: 0 }}>
        {rooms.isPending && (
          <li>
            <span className="skeleton" style={{ width: "70%", margin: "0.5rem 0.6rem" }} />
          </li>
        )}
        {rooms.data?.map((room) => {
          const { unread } = roomCounts(room);
          return (
            <li key={room.name}>
              <NavLink
                to={`/rooms/${room.name}`}
                className={(state) => `${navClass(state)}${unread > 0 ? " unread" : ""}`}
                onClick={onNavigate}
              >
                <span className="label">
                  {room.visibility === "private" ? <LockIcon /> : "# "}
                  {room.name}
                </span>
                <RoomCounts room={room} />
              </NavLink>
            </li>
          );
        })}
      </ul>
      <div className="nav-section">Workspace</div>
      <NavLink to="/files" className={navClass} onClick={onNavigate}>
        <span className="label">Files</span>
      </NavLink>
      <NavLink to="/assistant" className={navClass} onClick={onNavigate}>
        <span className="label">Assistant</span>
      </NavLink>
      {user.role === "admin" && (
        <NavLink to="/admin" className={navClass} onClick={onNavigate}>
          <span className="label">Admin</span>
        </NavLink>
      )}
      <a className="nav-item" href="/api/docs">
        <span className="label">API reference</span>
      </a>
      <div className="me">
        <NavLink to="/settings" className={navClass} onClick={onNavigate}>
          <span className="label">{user.displayName}</span>
        </NavLink>
        <button
          type="button"
          className="nav-item"
          onClick={() => {
            onNavigate?.();
            void signOut().then(() => navigate("/signin"));
          }}
        >
          <span className="label">Sign out</span>
        </button>
      </div>
    </nav>
  );
}
