// Admin: metrics, users, feature flags, the file pipeline and system status, one tab each. The selected tab is in
// the URL (/admin?tab=users), so reload, back and shared links land on it. The tabs follow the WAI-ARIA tabs
// pattern: one tab stop, arrow keys (and Home/End) move between tabs and show them. The API refuses non-admins too.
import { type KeyboardEvent, useRef } from "react";
import { useSearchParams } from "react-router";
import { Boundary } from "../components/boundary";
import { useSession } from "../lib/session";
import { FilesTab } from "./admin/files-tab";
import { FlagsTab } from "./admin/flags-tab";
import { MetricsTab } from "./admin/metrics-tab";
import { StatusTab } from "./admin/status-tab";
import { UsersTab } from "./admin/users-tab";

const TABS = [
  { id: "metrics", label: "Metrics", Panel: MetricsTab },
  { id: "users", label: "Users", Panel: UsersTab },
  { id: "flags", label: "Flags", Panel: FlagsTab },
  { id: "files", label: "Files", Panel: FilesTab },
  { id: "status", label: "Status", Panel: StatusTab },
] as const;

type TabId = (typeof TABS)[number]["id"];

const tabIndex = (id: string | null) =>
  Math.max(
    0,
    TABS.findIndex((t) => t.id === id),
  );

export function AdminPage() {
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const current = TABS[tabIndex(params.get("tab"))] ?? TABS[0];

  if (user?.role !== "admin") {
    return (
      <p role="alert" className="error" data-testid="admin-refused">
        This page is for administrators.
      </p>
    );
  }

  // A click adds a history entry (back returns to the last tab); arrowing through the tabs replaces it.
  const show = (id: TabId, replace = false) => {
    if (id !== current.id) setParams({ tab: id }, { replace });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = tabIndex(current.id);
    const to =
      event.key === "ArrowRight"
        ? (at + 1) % TABS.length
        : event.key === "ArrowLeft"
          ? (at - 1 + TABS.length) % TABS.length
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? TABS.length - 1
              : null;
    const next = to === null ? undefined : TABS[to];
    if (!next) return;
    event.preventDefault();
    show(next.id, true);
    tabs.current[to ?? 0]?.focus();
  };

  const { Panel } = current;
  return (
    <>
      <h1>Admin</h1>
      <div className="admin-tabs" role="tablist" aria-label="Admin sections" onKeyDown={onKeyDown}>
        {TABS.map((tab, i) => {
          const selected = tab.id === current.id;
          return (
            <button
              key={tab.id}
              ref={(el) => {
                tabs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`admin-tab-${tab.id}`}
              aria-selected={selected}
              aria-controls={selected ? `admin-panel-${tab.id}` : undefined}
              tabIndex={selected ? 0 : -1}
              onClick={() => show(tab.id)}
            >
              {tab.label}
            </button>
          );
        })}
      </div>
      <div
        key={current.id}
        role="tabpanel"
        id={`admin-panel-${current.id}`}
        aria-labelledby={`admin-tab-${current.id}`}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the APG tabs pattern makes the panel a tab stop
        tabIndex={0}
        className="admin-panel"
      >
        <Boundary what={`The ${current.label} section`}>
          <Panel />
        </Boundary>
      </div>
    </>
  );
}
