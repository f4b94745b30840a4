/**
 * The signed-in session: the access and refresh tokens from POST /auth/login, kept in
 * localStorage so that reloads, deep links and other tabs stay signed in (the pages run
 * under a script-src 'self' policy, which is what keeps other scripts away from them).
 *
 * Refresh tokens rotate: a refresh token used twice ends the session (the API takes it for
 * a stolen one). Tabs share one session, so a refresh runs under a Web Lock and re-reads
 * the stored session first: if another tab has refreshed meanwhile, its tokens are used.
 */

import { storedValue } from "../../lib/storedValue";

export interface Session {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number; // epoch milliseconds
  refreshExpiresAt: number;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
}

const stored = storedValue("catalog.session.v1");
const REFRESH_MARGIN_MS = 30_000;

export function sessionFrom(tokens: TokenPair, now = Date.now()): Session {
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    accessExpiresAt: now + tokens.expires_in * 1000,
    refreshExpiresAt: now + tokens.refresh_expires_in * 1000,
  };
}

export function loadSession(): Session | null {
  try {
    const value = stored.read();
    const session = value ? (JSON.parse(value) as Session) : null;
    return session && session.refreshExpiresAt > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  stored.write(session ? JSON.stringify(session) : null);
}

export const subscribeSession = stored.subscribe;

export function needsRefresh(session: Session, now = Date.now()): boolean {
  return session.accessExpiresAt - now < REFRESH_MARGIN_MS;
}

async function refresh(stale: Session): Promise<Session | null> {
  const current = loadSession();
  if (!current) return null;
  if (current.accessToken !== stale.accessToken && !needsRefresh(current)) {
    return current; // another tab refreshed while this one waited for the lock
  }
  const response = await fetch("/auth/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: current.refreshToken }),
  });
  if (!response.ok) {
    if (response.status === 401) saveSession(null);
    return response.status === 401 ? null : current;
  }
  const session = sessionFrom((await response.json()) as TokenPair);
  saveSession(session);
  return session;
}

/** The session with an access token that is good for a while yet (refreshed if need be). */
export async function freshSession(): Promise<Session | null> {
  const session = loadSession();
  if (!session || !needsRefresh(session)) return session;
  if (typeof navigator !== "undefined" && navigator.locks) {
    return navigator.locks.request("catalog.session.refresh", () => refresh(session));
  }
  return refresh(session);
}
