// Who is signed in, as the edge's /session/me says (the token itself stays in the HttpOnly
// cookie): the menu and the landing page follow the roles.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import { type Me, me as fetchMe, logout as endSession } from "./api/session";

interface Auth {
  user: Me | null;
  loading: boolean;
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<Auth>({
  user: null,
  loading: true,
  refresh: async () => {},
  logout: async () => {},
});

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setUser(await fetchMe());
    } finally {
      setLoading(false);
    }
  }, []);
  const logout = useCallback(async () => {
    await endSession();
    setUser(null);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return <AuthContext.Provider value={{ user, loading, refresh, logout }}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  return useContext(AuthContext);
}

export function hasRole(user: Me | null, ...roles: string[]): boolean {
  return !!user && user.roles.some((role) => roles.includes(role));
}

/** Where a user lands after signing in. */
export function home(user: Me): string {
  if (hasRole(user, "clerk")) return "/clerk/cases";
  if (hasRole(user, "reviewer")) return "/review/inbox";
  if (hasRole(user, "inspector")) return "/inspector/alerts";
  if (hasRole(user, "centre_admin", "township_officer")) return "/admin/leave";
  if (hasRole(user, "catalogue_officer")) return "/catalogue";
  return "/cases";
}
