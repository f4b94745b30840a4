import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "../../lib/routing";

import { Field, ProblemMessage } from "../../components/ui";
import { useLogIn } from "./api";
import { usePageTitle } from "../../lib/usePageTitle";

/** Where to go after logging in: a path of this app only (never another site). */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export default function LoginPage() {
  usePageTitle("Log in");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const login = useLogIn();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate(
      { email, password },
      { onSuccess: () => navigate(safeNext(params.get("next")), { replace: true }) },
    );
  };

  return (
    <section className="narrow">
      <h1>Log in</h1>
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Email">
          {(props) => (
            <input
              {...props}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password">
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <ProblemMessage error={login.error} />
        <button type="submit" className="button" disabled={login.isPending}>
          Log in
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New here? <Link to="/signup">Create an account</Link>.
      </p>
    </section>
  );
}
