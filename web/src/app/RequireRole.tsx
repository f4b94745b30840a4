import type { ReactNode } from "react";
import { Navigate, useLocation } from "../lib/routing";

import type { User } from "../api/client";
import { Loading } from "../components/ui";
import { useCurrentUser, useSignedIn } from "../features/auth/api";

type Role = User["role"];

/** Pages for signed-in users (of some roles): others are sent to log in, or told no. */
export function RequireRole({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const signedIn = useSignedIn();
  const { user, loading } = useCurrentUser();
  const location = useLocation();
  if (!signedIn) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (loading || !user) return <Loading />;
  if (roles && !roles.includes(user.role)) {
    return (
      <section>
        <h1>Not available</h1>
        <p>Your account cannot open this page.</p>
      </section>
    );
  }
  return <>{children}</>;
}
