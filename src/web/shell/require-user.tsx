// Gates for signed-in pages: visitors go to sign-in (and come back afterwards); members who open an admin page
// are told it is for admins.
import { Navigate, Outlet, useLocation } from "react-router";
import { useSession } from "../lib/session";
import { PageSkeleton } from "./skeleton";

export function RequireUser() {
  const { user, loading } = useSession();
  const location = useLocation();
  if (loading) return <PageSkeleton />;
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search + location.hash);
    return <Navigate to={`/signin?next=${next}`} replace />;
  }
  return <Outlet />;
}

export function RequireAdmin() {
  const { user } = useSession();
  if (user?.role !== "admin") {
    return (
      <section className="empty" data-testid="admin-refused">
        <h1>Admins only</h1>
        <p>This page is for Outpost's administrators. Ask one if you need something changed.</p>
      </section>
    );
  }
  return <Outlet />;
}
