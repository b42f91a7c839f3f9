// Admin: every user, oldest first, 25 at a time ("Load more" follows nextCursor), with a search by email prefix
// or display name (debounced, kept in the URL as ?q=). Each user's role can be changed and their account disabled
// (asked first: it signs them out everywhere) or enabled again. Rows stack into cards on a phone.
import { type InfiniteData, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useSearchParams } from "react-router";
import { api, errorMessage, ok } from "../../api";
import type { components } from "../../api/openapi";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { type Result, ResultMessage } from "../../components/result-message";
import { formatCount, formatShortDate } from "../../lib/format";
import { useSession } from "../../lib/session";
import { PageSkeleton } from "../../shell/skeleton";
import { LoadError } from "./load-error";
import { useDebounced } from "./use-debounced";

type User = components["schemas"]["User"];
type UserPage = components["schemas"]["UserPage"];
type Change = { role?: User["role"]; disabled?: boolean };

const PAGE_SIZE = 25;
const USERS_KEY = ["admin", "users"] as const;

/** The search as the API takes it: trimmed, 1–100 characters, or none. */
const searchTerm = (text: string) => text.trim().slice(0, 100) || undefined;

export function UsersTab() {
  const client = useQueryClient();
  const { user: me } = useSession();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get("q") ?? "");
  const q = searchTerm(useDebounced(text, 300));
  const [result, setResult] = useState<Result | null>(null);
  const [disabling, setDisabling] = useState<User | null>(null);
  const searchId = useId();

  // The settled search goes into the URL (replacing the entry: typing is not navigation).
  useEffect(() => {
    if ((params.get("q") ?? undefined) === q) return;
    const next = new URLSearchParams(params);
    if (q) next.set("q", q);
    else next.delete("q");
    setParams(next, { replace: true });
  }, [q, params, setParams]);

  const users = useInfiniteQuery({
    queryKey: [...USERS_KEY, q ?? ""],
    queryFn: ({ pageParam, signal }) =>
      ok(api.GET("/api/users", { params: { query: { q, cursor: pageParam, limit: PAGE_SIZE } }, signal })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  const patch = (id: string, apply: (user: User) => User) =>
    client.setQueriesData<InfiniteData<UserPage>>({ queryKey: USERS_KEY }, (data) =>
      data
        ? {
            ...data,
            pages: data.pages.map((page) => ({ ...page, users: page.users.map((u) => (u.id === id ? apply(u) : u)) })),
          }
        : data,
    );

  const change = useMutation({
    mutationFn: ({ user, body }: { user: User; body: Change }) =>
      ok(api.PATCH("/api/users/{id}", { params: { path: { id: user.id } }, body })),
    // Optimistic: the row shows the change at once, and goes back if the server refuses.
    onMutate: async ({ user, body }) => {
      setResult(null);
      await client.cancelQueries({ queryKey: USERS_KEY });
      const previous = client.getQueriesData<InfiniteData<UserPage>>({ queryKey: USERS_KEY });
      patch(user.id, (u) => ({ ...u, ...body }));
      return { previous };
    },
    onError: (e, { user }, context) => {
      for (const [key, data] of context?.previous ?? []) client.setQueryData(key, data);
      setResult({ ok: false, text: `${user.displayName} was not changed. ${errorMessage(e)}` });
    },
    onSuccess: (updated, { body }) => {
      patch(updated.id, () => updated);
      const text =
        body.role !== undefined
          ? `${updated.displayName} is now ${updated.role === "admin" ? "an admin" : "a member"}.`
          : updated.disabled
            ? `${updated.displayName} is disabled and signed out everywhere.`
            : `${updated.displayName} can sign in again.`;
      setResult({ ok: true, text });
    },
  });

  const list = users.data?.pages.flatMap((page) => page.users) ?? [];
  return (
    <section className="stack" aria-labelledby="users-heading">
      <h2 id="users-heading">Users</h2>
      <search className="admin-search">
        <label htmlFor={searchId}>Search users</label>
        <input
          id={searchId}
          type="search"
          value={text}
          maxLength={100}
          placeholder="Email or name"
          autoComplete="off"
          aria-describedby={`${searchId}-hint`}
          onChange={(e) => setText(e.target.value)}
        />
        <span id={`${searchId}-hint`} className="hint">
          Emails starting with it, or names containing it.
        </span>
      </search>
      <ResultMessage result={result} />
      {users.isError && <LoadError what="The users" error={users.error} onRetry={() => void users.refetch()} />}
      {users.isPending && !users.isError && <PageSkeleton lines={5} />}
      {users.data && (
        <p className="hint" role="status">
          {list.length === 0
            ? ""
            : `${formatCount(list.length)} ${list.length === 1 ? "user" : "users"} shown${users.hasNextPage ? ", more below" : ""}${q ? ` matching “${q}”` : ""}.`}
        </p>
      )}
      {users.data && list.length === 0 && (
        <p className="empty">
          <strong>{q ? "No users match" : "No users yet"}</strong>
          {q
            ? `Nobody's email starts with “${q}” and no name contains it.`
            : "Accounts appear here once people register."}
        </p>
      )}
      {list.length > 0 && (
        <ul className="admin-users" data-testid="users">
          {list.map((user) => {
            const self = user.id === me?.id;
            return (
              <li key={user.id} className="admin-user card" data-user={user.email}>
                <div className="admin-user-who">
                  <strong className="admin-user-name">{user.displayName}</strong>
                  {self && <span className="chip">you</span>}
                  {user.role === "admin" && <span className="chip on">admin</span>}
                  {user.disabled && <span className="chip off">disabled</span>}
                  <span className="admin-user-email">{user.email}</span>
                  <span className="hint admin-user-meta">
                    Joined {formatShortDate(user.createdAt)} · id <code>{user.id}</code>
                  </span>
                </div>
                <div className="admin-user-actions">
                  <label className="admin-inline-label">
                    Role<span className="sr-only"> of {user.displayName}</span>
                    <select
                      value={user.role}
                      disabled={self}
                      onChange={(e) => change.mutate({ user, body: { role: e.target.value as User["role"] } })}
                    >
                      <option value="member">member</option>
                      <option value="admin">admin</option>
                    </select>
                  </label>
                  {user.disabled ? (
                    <button type="button" onClick={() => change.mutate({ user, body: { disabled: false } })}>
                      Enable<span className="sr-only"> {user.displayName}</span>
                    </button>
                  ) : (
                    <button type="button" className="danger-quiet" disabled={self} onClick={() => setDisabling(user)}>
                      Disable<span className="sr-only"> {user.displayName}</span>
                    </button>
                  )}
                </div>
                {self && (
                  <p className="hint admin-user-self">
                    This is you: another admin can change your role or disable your account.
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {users.hasNextPage && (
        <button type="button" disabled={users.isFetchingNextPage} onClick={() => void users.fetchNextPage()}>
          {users.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
      <ConfirmDialog
        open={disabling !== null}
        title={`Disable ${disabling?.displayName ?? "this user"}?`}
        confirmLabel="Disable"
        onCancel={() => setDisabling(null)}
        onConfirm={() => {
          if (disabling) change.mutate({ user: disabling, body: { disabled: true } });
          setDisabling(null);
        }}
      >
        <p>
          {disabling?.email} will be signed out everywhere and cannot sign in until an admin enables the account again.
        </p>
      </ConfirmDialog>
    </section>
  );
}
