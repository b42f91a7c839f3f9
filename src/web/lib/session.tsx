// Who is signed in, for the whole UI: loaded from /api/auth/state, changed by sign-in and sign-out.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import type { User } from "../../features/auth/auth.schema";
import { ApiError, api } from "./api";

interface SessionValue {
  user: User | null;
  loading: boolean;
  refresh(): Promise<void>;
  signOut(): Promise<void>;
  setUser(user: User | null): void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    try {
      // Always 200: signed-out visitors get { user: null } rather than a 401 the console would report.
      setUser((await api<{ user: User | null }>("/api/auth/state")).user);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      setUser(null);
    } finally {
      setLoading(false);
    }
  }, []);

  const signOut = useCallback(async () => {
    await fetch("/api/auth/logout", { method: "POST", credentials: "same-origin" });
    setUser(null);
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <SessionContext.Provider value={{ user, loading, refresh, signOut, setUser }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
