// The way to the inbox, with its unread count: in the sidebar, and in the top bar (a phone has no sidebar).
import { NavLink } from "react-router";
import { useInbox } from "./inbox";
import { badgeText } from "./tab-title";

export function InboxIcon() {
  return (
    <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M2.8 2h10.4c.6 0 1.1.4 1.3.9l1.4 5.2V13a1.5 1.5 0 0 1-1.5 1.5H1.6A1.5 1.5 0 0 1 .1 13V8.1l1.4-5.2c.2-.5.7-.9 1.3-.9Zm.2 1.5L1.8 8H5a.75.75 0 0 1 .75.75 2.25 2.25 0 0 0 4.5 0A.75.75 0 0 1 11 8h3.2L13 3.5H3Z"
      />
    </svg>
  );
}

/** The unread count as a badge (mention-coloured: each one is addressed to this user). */
function InboxBadge() {
  const { unread } = useInbox();
  const text = badgeText(unread);
  return text ? (
    <span className="badge mention" data-testid="inbox-badge">
      {text}
      <span className="sr-only"> unread</span>
    </span>
  ) : null;
}

const navClass = ({ isActive }: { isActive: boolean }) => (isActive ? "nav-item active" : "nav-item");

export function SidebarInboxLink({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <NavLink to="/inbox" className={navClass} onClick={onNavigate}>
      <span className="label">Inbox</span>
      <InboxBadge />
    </NavLink>
  );
}

export function TopbarInboxLink() {
  const { unread } = useInbox();
  return (
    <NavLink
      to="/inbox"
      className="icon-button inbox-link"
      aria-label={unread > 0 ? `Inbox, ${unread} unread` : "Inbox"}
      title="Inbox"
    >
      <InboxIcon />
      <InboxBadge />
    </NavLink>
  );
}
