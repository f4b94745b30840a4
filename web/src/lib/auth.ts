import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore } from "react";

import { api, unwrap, type User } from "../api/client";
import { loadSession, saveSession, sessionFrom, subscribeSession, type TokenPair } from "./session";

function signedIn(): boolean {
  return loadSession() !== null;
}

/** Whether this browser holds a session (any tab may end it). */
export function useSignedIn(): boolean {
  return useSyncExternalStore(subscribeSession, signedIn, () => false);
}

/** The account behind the session, as the API has it now (role included). */
export function useCurrentUser(): { user: User | null; loading: boolean } {
  const isSignedIn = useSignedIn();
  const me = useQuery({
    queryKey: ["me"],
    queryFn: () => unwrap(api.GET("/auth/me")),
    enabled: isSignedIn,
    staleTime: 60_000,
  });
  return { user: isSignedIn ? (me.data ?? null) : null, loading: isSignedIn && me.isPending };
}

export async function logIn(email: string, password: string): Promise<void> {
  const tokens = await unwrap<TokenPair>(
    api.POST("/auth/login", {
      body: { username: email, password, grant_type: "password", scope: "" },
      bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    }),
  );
  saveSession(sessionFrom(tokens));
}

/** Ends the session on the server (its tokens stop working at once), then here. */
export function useLogOut(): () => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    try {
      await api.POST("/auth/logout");
    } finally {
      saveSession(null);
      queryClient.removeQueries({ queryKey: ["me"] });
      queryClient.removeQueries({ queryKey: ["orders"] });
    }
  }, [queryClient]);
}
