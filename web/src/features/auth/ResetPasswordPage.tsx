import { type FormEvent, useState } from "react";
import { Link, useLocation } from "../../lib/routing";

import { ApiProblem, fieldErrors } from "../../api/problem";
import { ProblemMessage } from "../../components/ui";
import { useConfirmReset } from "./api";
import { usePageTitle } from "../../lib/usePageTitle";
import { NewPasswordField } from "./NewPasswordField";

/** The link from the e-mail: /app/reset-password#token=... (in the fragment, the token
 * never reaches a server log or a Referer header). */
export default function ResetPasswordPage() {
  usePageTitle("Choose a new password");
  const token = new URLSearchParams(useLocation().hash.slice(1)).get("token") ?? "";
  const [password, setPassword] = useState("");
  const reset = useConfirmReset();
  const error = reset.error;
  const problem = error instanceof ApiProblem ? error.problem : null;
  const errors = fieldErrors(problem);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    reset.mutate({ token, password });
  };

  if (reset.isSuccess) {
    return (
      <section className="narrow">
        <h1>Your password is set</h1>
        <p className="notice success" role="status">
          Every session of your account has ended. <Link to="/login">Log in</Link> with the new password.
        </p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>Choose a new password</h1>
      {!token ? (
        <p className="problem" role="alert">
          This page needs the link from the e-mail. <Link to="/forgot-password">Ask for a new one</Link>.
        </p>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <NewPasswordField label="New password" error={errors.password} value={password} onChange={setPassword} />
          {Object.keys(errors).length === 0 && <ProblemMessage error={error} />}
          {problem?.code === "invalid_token" && (
            <p>
              <Link to="/forgot-password">Ask for a new link</Link>
            </p>
          )}
          <button type="submit" className="button" disabled={reset.isPending}>
            Set password
          </button>
        </form>
      )}
    </section>
  );
}
