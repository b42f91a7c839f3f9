// Ctrl/⌘-K: type part of a room's or a page's name, move with the arrow keys, Enter to go. Typed text can also
// be searched for in files or asked of the assistant. A native modal <dialog>: focus stays inside, Esc closes.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { roomsQuery } from "../lib/queries";
import { useSession } from "../lib/session";

interface Item {
  key: string;
  label: string;
  kind: string;
  to: string;
}

const PAGES: (Item & { admin?: boolean })[] = [
  { key: "p:home", label: "Home", kind: "Page", to: "/" },
  { key: "p:inbox", label: "Inbox", kind: "Page", to: "/inbox" },
  { key: "p:search", label: "Search", kind: "Page", to: "/search" },
  { key: "p:rooms", label: "All rooms", kind: "Page", to: "/rooms" },
  { key: "p:files", label: "Files", kind: "Page", to: "/files" },
  { key: "p:assistant", label: "Assistant", kind: "Page", to: "/assistant" },
  { key: "p:settings", label: "Settings", kind: "Page", to: "/settings" },
  { key: "p:admin", label: "Admin", kind: "Page", to: "/admin", admin: true },
];

export function QuickSwitcher({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const navigate = useNavigate();
  const { user } = useSession();
  const rooms = useQuery(roomsQuery);
  const [text, setText] = useState("");
  const [active, setActive] = useState(0);
  const listId = useId();

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    el.showModal();
    return () => el.close();
  }, []);

  const items = useMemo<Item[]>(() => {
    const q = text.trim().toLowerCase();
    const roomItems: Item[] = (rooms.data ?? []).map((room) => ({
      key: `r:${room.name}`,
      label: `#${room.name}`,
      kind: (room.unread ?? 0) > 0 ? `Room · ${room.unread} unread` : "Room",
      to: `/rooms/${room.name}`,
    }));
    const pages = PAGES.filter((p) => !p.admin || user?.role === "admin");
    const matches = [...roomItems, ...pages].filter((item) => !q || item.label.toLowerCase().includes(q));
    if (q) {
      matches.push(
        {
          key: "s:all",
          label: `Search messages and files for “${text.trim()}”`,
          kind: "Search",
          to: `/search?q=${encodeURIComponent(text.trim())}`,
        },
        {
          key: "s:files",
          label: `Search files for “${text.trim()}”`,
          kind: "Search",
          to: `/files?q=${encodeURIComponent(text.trim())}`,
        },
        {
          key: "s:assistant",
          label: `Ask the assistant “${text.trim()}”`,
          kind: "Ask",
          to: `/assistant?q=${encodeURIComponent(text.trim())}`,
        },
      );
    }
    return matches;
  }, [rooms.data, text, user?.role]);

  const go = (item: Item | undefined) => {
    if (!item) return;
    onClose();
    navigate(item.to);
  };

  const current = Math.min(active, Math.max(0, items.length - 1));
  return (
    <dialog
      ref={dialog}
      className="switcher"
      aria-label="Jump to a room or page"
      onClose={(event) => {
        // The close event comes a moment after close(): when it was the effect's cleanup and the dialog has been
        // shown again since (React's development double mount does exactly that), it is not the reader closing it.
        if (event.currentTarget.open) return;
        onClose();
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      onKeyDown={() => {}}
    >
      <input
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={items[current] ? `${listId}-${current}` : undefined}
        aria-label="Room or page name"
        placeholder="Jump to a room or page…"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setActive(0);
        }}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown") {
            event.preventDefault();
            setActive((current + 1) % Math.max(1, items.length));
          } else if (event.key === "ArrowUp") {
            event.preventDefault();
            setActive((current - 1 + items.length) % Math.max(1, items.length));
          } else if (event.key === "Enter") {
            event.preventDefault();
            go(items[current]);
          }
        }}
      />
      <div id={listId} role="listbox" aria-label="Matches" className="options">
        {items.map((item, index) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input handles the keys for the list
          <div
            key={item.key}
            tabIndex={-1}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === current}
            onMouseEnter={() => setActive(index)}
            onClick={() => go(item)}
          >
            <span className="truncate">{item.label}</span>
            <span className="kind">{item.kind}</span>
          </div>
        ))}
        {items.length === 0 && <p className="empty-result">Nothing matches. Try another name.</p>}
      </div>
    </dialog>
  );
}
