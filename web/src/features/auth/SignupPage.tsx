import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate } from "../../lib/routing";

import { api, unwrap } from "../../api/client";
import { ApiProblem, fieldErrors } from "../../api/problem";
import { Field, ProblemMessage } from "../../components/ui";
import { logIn } from "../../lib/auth";
import { usePageTitle } from "../../lib/usePageTitle";

export default function SignupPage() {
  usePageTitle("Sign up");
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ email: "", password: "", name: "" });
  const signup = useMutation({
    mutationFn: async () => {
      await unwrap(api.POST("/auth/signup", { body: { ...form, email: form.email.trim() } }));
      await logIn(form.email.trim(), form.password);
      await queryClient.invalidateQueries({ queryKey: ["me"] });
    },
    onSuccess: () => navigate("/", { replace: true }),
  });
  const error = signup.error;
  const problem = error instanceof ApiProblem ? error.problem : null;
  const errors = fieldErrors(problem);
  if (problem?.code === "email_taken") errors.email = "An account with this e-mail already exists.";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signup.mutate();
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
        <Field label="Password" error={errors.password} hint="At least 8 characters.">
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              value={form.password}
              onChange={set("password")}
            />
          )}
        </Field>
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
