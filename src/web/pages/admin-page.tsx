// Admin: feature flags, users, metrics, and the file pipeline's states and dead letters. The API refuses non-admins too.
import { useState } from "react";
import { useSession } from "../lib/session";
import { FilesTab } from "./admin/files-tab";
import { FlagsTab } from "./admin/flags-tab";
import { MetricsTab } from "./admin/metrics-tab";
import { UsersTab } from "./admin/users-tab";

type Tab = "flags" | "users" | "metrics" | "files";

export function AdminPage() {
  const { user } = useSession();
  const [tab, setTab] = useState<Tab>("flags");
  if (user?.role !== "admin") {
    return (
      <p role="alert" className="error" data-testid="admin-refused">
        This page is for administrators.
      </p>
    );
  }
  const tabs: [Tab, string][] = [
    ["flags", "Flags"],
    ["users", "Users"],
    ["metrics", "Metrics"],
    ["files", "Files"],
  ];
  return (
    <>
      <h1>Admin</h1>
      <div className="row" role="tablist" aria-label="Admin sections">
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? "" : "tab-inactive"}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === "flags" && <FlagsTab />}
      {tab === "users" && <UsersTab />}
      {tab === "metrics" && <MetricsTab />}
      {tab === "files" && <FilesTab />}
    </>
  );
}
