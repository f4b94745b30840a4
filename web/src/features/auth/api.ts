import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore } from "react";

import { api, type Schemas, unwrap, type User } from "../../api/client";
import { keys } from "../../api/keys";
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
    queryKey: keys.me,
    queryFn: () => unwrap(api.GET("/auth/me")),
    enabled: isSignedIn,
    staleTime: 60_000,
  });
  return { user: isSignedIn ? (me.data ?? null) : null, loading: isSignedIn && me.isPending };
}

async function logIn(email: string, password: string): Promise<void> {
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
      queryClient.removeQueries({ queryKey: keys.me });
      queryClient.removeQueries({ queryKey: keys.orders.all });
    }
  }, [queryClient]);
}

/** Log in (the session is kept: ./session.ts) and read the account. */
export function useLogIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ email, password }: { email: string; password: string }) => {
      await logIn(email.trim(), password);
      await queryClient.invalidateQueries({ queryKey: keys.me });
    },
  });
}

/** Create an account, then log in with it. */
export function useSignUp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (form: Schemas["SignupRequest"]) => {
      const email = form.email.trim();
      await unwrap(api.POST("/auth/signup", { body: { ...form, email } }));
      await logIn(email, form.password);
      await queryClient.invalidateQueries({ queryKey: keys.me });
    },
  });
}

/** Ask for a password-reset mail (the answer is the same whether the account exists). */
export function useRequestReset() {
  return useMutation({
    mutationFn: (email: string) =>
      unwrap(api.POST("/auth/password-reset", { body: { email: email.trim() } })),
  });
}

/** Set a new password with the mailed token; every session of the account ends. */
export function useConfirmReset() {
  return useMutation({
    mutationFn: (body: Schemas["PasswordResetConfirm"]) =>
      unwrap(api.POST("/auth/password-reset/confirm", { body })),
    onSuccess: () => saveSession(null),
  });
}

/** Change the password; the other sessions of the account end. */
export function useChangePassword() {
  return useMutation({
    mutationFn: (body: Schemas["PasswordChange"]) => unwrap(api.POST("/auth/password", { body })),
  });
}

/** Stop a kind of mail, from the link at the end of one (no log-in: the link is the key). */
export function useUnsubscribe() {
  return useMutation({
    mutationFn: (body: Schemas["Unsubscribe"]) => unwrap(api.POST("/notifications/unsubscribe", { body })),
  });
}
