import { type FormEvent, useState } from "react";
import { Link, useNavigate } from "../../lib/routing";

import { ApiProblem, fieldErrors } from "../../api/problem";
import { Field, ProblemMessage } from "../../components/ui";
import { useSignUp } from "./api";
import { usePageTitle } from "../../lib/usePageTitle";
import { NewPasswordField } from "./NewPasswordField";

export default function SignupPage() {
  usePageTitle("Sign up");
  const navigate = useNavigate();
  const [form, setForm] = useState({ email: "", password: "", name: "" });
  const signup = useSignUp();
  const error = signup.error;
  const problem = error instanceof ApiProblem ? error.problem : null;
  const errors = fieldErrors(problem);
  if (problem?.code === "email_taken") errors.email = "An account with this e-mail already exists.";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signup.mutate(form, { onSuccess: () => navigate("/", { replace: true }) });
  };

  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));

  return (
    <section className="narrow">
      <h1>Create an account</h1>
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Email" error={errors.email}>
          {(props) => (
            <input {...props} type="email" autoComplete="email" required value={form.email} onChange={set("email")} />
          )}
        </Field>
        <NewPasswordField
          label="Password"
          error={errors.password}
          value={form.password}
          onChange={(password) => setForm((f) => ({ ...f, password }))}
        />
        <Field label="Name" error={errors.name}>
          {(props) => <input {...props} autoComplete="name" required value={form.name} onChange={set("name")} />}
        </Field>
        {problem && Object.keys(errors).length === 0 && <ProblemMessage error={error} />}
        {!problem && <ProblemMessage error={error} />}
        <button type="submit" className="button" disabled={signup.isPending}>
          Sign up
        </button>
      </form>
      <p>
        Already have an account? <Link to="/login">Log in</Link>.
      </p>
    </section>
  );
}
