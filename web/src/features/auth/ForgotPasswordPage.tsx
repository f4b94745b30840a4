import { type FormEvent, useState } from "react";
import { Link } from "../../lib/routing";

import { ApiProblem, fieldErrors } from "../../api/problem";
import { Field, ProblemMessage } from "../../components/ui";
import { usePageTitle } from "../../lib/usePageTitle";
import { useRequestReset } from "./api";

export default function ForgotPasswordPage() {
  usePageTitle("Forgot your password?");
  const [email, setEmail] = useState("");
  const request = useRequestReset();
  const errors = fieldErrors(request.error instanceof ApiProblem ? request.error.problem : null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate(email);
  };

  return (
    <section className="narrow">
      <h1>Forgot your password?</h1>
      {request.isSuccess ? (
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
          {Object.keys(errors).length === 0 && <ProblemMessage error={request.error} />}
          <button type="submit" className="button" disabled={request.isPending}>
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
