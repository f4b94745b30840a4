/**
 * Routing, in one place: wouter (a 2 kB router; the shopper's first download has a budget)
 * under the names the pages use -- Link, NavLink, Navigate, useNavigate, useLocation,
 * useParams, useSearchParams. Paths are the app's own ("/cart"): the router adds /app.
 */
import { type AnchorHTMLAttributes, type ReactNode, useCallback, useMemo } from "react";
import {
  Link as WouterLink,
  Redirect,
  useLocation as useWouterLocation,
  useParams as useWouterParams,
  useSearch,
} from "wouter";

export { Route, Router, Switch } from "wouter";

type AnchorProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href">;

export function Link({ to, ...props }: AnchorProps & { to: string }) {
  return <WouterLink href={to} {...props} />;
}

/** A link that knows it leads to the page shown (`active`, `aria-current="page"`); with
 * `end`, only that page itself, not the pages under it. */
export function NavLink({
  to,
  end = false,
  className,
  children,
  ...props
}: AnchorProps & { to: string; end?: boolean; children: ReactNode }) {
  const [path] = useWouterLocation();
  const active = end ? path === to : path === to || path.startsWith(`${to.replace(/\/$/, "")}/`);
  return (
    <WouterLink
      href={to}
      className={[className, active ? "active" : ""].filter(Boolean).join(" ") || undefined}
      aria-current={active ? "page" : undefined}
      {...props}
    >
      {children}
    </WouterLink>
  );
}

export function Navigate({ to, replace = false }: { to: string; replace?: boolean }) {
  return <Redirect to={to} replace={replace} />;
}

export interface NavigateOptions {
  replace?: boolean;
  state?: unknown;
}

export function useNavigate(): (to: string, options?: NavigateOptions) => void {
  const [, navigate] = useWouterLocation();
  return useCallback((to: string, options?: NavigateOptions) => navigate(to, options), [navigate]);
}

export interface AppLocation {
  pathname: string;
  search: string;
  hash: string;
  state: unknown;
}

/** Where the app is: the path (without /app), the query, the fragment, and the state the
 * navigation that led here carried (history.state). */
export function useLocation(): AppLocation {
  const [pathname] = useWouterLocation();
  const search = useSearch();
  return {
    pathname,
    search: search ? `?${search}` : "",
    hash: window.location.hash,
    state: window.history.state as unknown,
  };
}

export function useParams(): Record<string, string | undefined> {
  return useWouterParams() as Record<string, string | undefined>;
}

type SearchChange = URLSearchParams | ((current: URLSearchParams) => URLSearchParams);

/** The query as URLSearchParams, and a setter that navigates to the same page with another
 * query (a new history entry, or with `replace` the same one). */
export function useSearchParams(): [
  URLSearchParams,
  (next: SearchChange, options?: { replace?: boolean }) => void,
] {
  const search = useSearch();
  const [pathname, navigate] = useWouterLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const set = useCallback(
    (next: SearchChange, options?: { replace?: boolean }) => {
      const value = typeof next === "function" ? next(new URLSearchParams(window.location.search)) : next;
      const query = value.toString();
      navigate(pathname + (query ? `?${query}` : ""), options);
    },
    [pathname, navigate],
  );
  return [params, set];
}
