// Who is signed in, for the whole UI: one TanStack Query entry for /api/auth/state, which answers 200 with
// { user: null } for visitors (so asking raises no console error). Sign-in writes the entry; sign-out clears
// every cached query, so nothing of the last user stays on screen.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { User } from "../../features/auth/auth.schema";
import { api, ok } from "../api";

export const SESSION_KEY = ["session"] as const;

export interface SessionValue {
  user: User | null;
  loading: boolean;
  refresh(): Promise<void>;
  signOut(): Promise<void>;
  setUser(user: User | null): void;
}

export function useSession(): SessionValue {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: SESSION_KEY,
    queryFn: async () => (await ok(api.GET("/api/auth/state"))).user as User | null,
    staleTime: 60_000,
  });
  const refresh = useCallback(async () => {
    await client.invalidateQueries({ queryKey: SESSION_KEY });
  }, [client]);
  const setUser = useCallback(
    (user: User | null) => {
      client.setQueryData(SESSION_KEY, user);
    },
    [client],
  );
  const signOut = useCallback(async () => {
    await ok(api.POST("/api/auth/logout"));
    client.clear();
    client.setQueryData(SESSION_KEY, null);
  }, [client]);
  return { user: query.data ?? null, loading: query.isPending, refresh, signOut, setUser };
}
