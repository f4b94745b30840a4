import { type FormEvent, useState } from "react";
import { Link } from "react-router";

import { api, unwrap } from "../../api/client";
import { ApiProblem, fieldErrors } from "../../api/problem";
import { Field, ProblemMessage } from "../../components/ui";
import { usePageTitle } from "../../lib/usePageTitle";

export default function ForgotPasswordPage() {
  usePageTitle("Forgot your password?");
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error instanceof ApiProblem ? error.problem : null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/auth/password-reset", { body: { email: email.trim() } }));
      setSent(true);
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <h1>Forgot your password?</h1>
      {sent ? (
        <p className="notice success" role="status">
          If an account uses {email.trim()}, a link to choose a new password is on its way. It works
          for 30 minutes.
        </p>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <p className="muted">We will e-mail you a link to choose a new one.</p>
          <Field label="Email" error={errors.email}>
            {(props) => (
              <input {...props} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
            )}
          </Field>
          {Object.keys(errors).length === 0 && <ProblemMessage error={error} />}
          <button type="submit" className="button" disabled={busy}>
            Send me a link
          </button>
        </form>
      )}
      <p>
        <Link to="/login">Back to log-in</Link>
      </p>
    </section>
  );
}
