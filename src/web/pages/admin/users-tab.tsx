// Admin: every user, with their role (member or admin) to change and a switch to disable or enable the account.
import { useState } from "react";
import type { User } from "../../../features/auth/auth.schema";
import { api, errorMessage } from "../../lib/api";
import { useLoad } from "../../lib/use-load";

export function UsersTab() {
  const { data, error, reload } = useLoad<{ users: User[]; nextCursor: string | null }>("/api/users?limit=100");
  const [message, setMessage] = useState<string | null>(null);
  const change = async (user: User, body: { role?: User["role"]; disabled?: boolean }) => {
    try {
      await api(`/api/users/${user.id}`, { method: "PATCH", body: JSON.stringify(body) });
      setMessage(`${user.displayName} updated.`);
      await reload();
    } catch (e) {
      setMessage(errorMessage(e));
    }
  };
  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading">Users</h2>
      {error && <p className="error">{error}</p>}
      {message && <p role="status">{message}</p>}
      <ul className="list">
        {data?.users.map((user) => (
          <li key={user.id} className="row spread card">
            <span>
              <strong>{user.displayName}</strong> <span className="hint">{user.email}</span>
              {user.disabled && <span className="chip off"> disabled</span>}
            </span>
            <span className="row">
              <label>
                <span className="sr-only">Role of {user.displayName}</span>
                <select value={user.role} onChange={(e) => void change(user, { role: e.target.value as User["role"] })}>
                  <option value="member">member</option>
                  <option value="admin">admin</option>
                </select>
              </label>
              <button type="button" onClick={() => void change(user, { disabled: !user.disabled })}>
                {user.disabled ? "Enable" : "Disable"}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
