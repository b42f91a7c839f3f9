// The shell's search box: "/" anywhere (outside a text field) focuses it, Enter goes to /search?q=…. On a phone
// the box folds into a button to the search page, which has its own box.
import { useEffect, useRef, useState } from "react";
import { NavLink, useLocation, useNavigate } from "react-router";

/** Whether a key pressed here is typing (so "/" is a character, not the shortcut). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== "function") return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  return element.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']") !== null;
}

export function SearchIcon() {
  return (
    <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M6.5 1a5.5 5.5 0 0 1 4.38 8.82l3.65 3.65a.75.75 0 1 1-1.06 1.06l-3.65-3.65A5.5 5.5 0 1 1 6.5 1Zm0 1.5a4 4 0 1 0 0 8 4 4 0 0 0 0-8Z"
      />
    </svg>
  );
}

export function SearchBox() {
  const navigate = useNavigate();
  const location = useLocation();
  const input = useRef<HTMLInputElement>(null);
  const onSearchPage = location.pathname === "/search";
  const current = onSearchPage ? (new URLSearchParams(location.search).get("q") ?? "") : "";
  const [text, setText] = useState(current);

  // The box shows what the search page is showing, and clears elsewhere.
  useEffect(() => setText(current), [current]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (isTypingTarget(event.target) || document.querySelector("dialog[open]")) return;
      event.preventDefault();
      const box = input.current;
      // Folded away (a phone): the search page's own box takes the focus.
      if (!box || box.offsetParent === null) navigate("/search");
      else {
        box.focus();
        box.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [navigate]);

  return (
    <>
      <search className="search-box">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const q = text.trim();
            if (!q) return;
            navigate(`/search?q=${encodeURIComponent(q)}`);
          }}
        >
          <SearchIcon />
          <input
            ref={input}
            type="search"
            name="q"
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") event.currentTarget.blur();
            }}
            maxLength={200}
            placeholder="Search messages and files"
            aria-label="Search messages and files"
            aria-keyshortcuts="/"
            autoComplete="off"
          />
          <span className="kbd-hint" aria-hidden="true">
            /
          </span>
        </form>
      </search>
      <NavLink to="/search" className="icon-button search-link" aria-label="Search">
        <SearchIcon />
      </NavLink>
    </>
  );
}
