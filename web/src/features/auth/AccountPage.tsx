import { type FormEvent, useState } from "react";

import { ApiProblem, fieldErrors } from "../../api/problem";
import { Field, ProblemMessage } from "../../components/ui";
import { useChangePassword, useCurrentUser } from "./api";
import { usePageTitle } from "../../lib/usePageTitle";
import { NewPasswordField } from "./NewPasswordField";

const ROLE_WORDS = {
  user: "Shopper",
  stock_manager: "Stock manager",
  admin: "Admin",
  platform_admin: "Platform operator",
} as const;

export default function AccountPage() {
  usePageTitle("Your account");
  const { user } = useCurrentUser();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const change = useChangePassword();
  const errors = fieldErrors(change.error instanceof ApiProblem ? change.error.problem : null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent("");
          setNext("");
        },
      },
    );
  };

  return (
    <section className="narrow">
      <h1>Your account</h1>
      {user && (
        <dl className="facts">
          <dt>Name</dt>
          <dd>{user.name}</dd>
          <dt>E-mail</dt>
          <dd>{user.email}</dd>
          <dt>Role</dt>
          <dd>{ROLE_WORDS[user.role]}</dd>
        </dl>
      )}
      <h2>Change your password</h2>
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Current password" error={errors.current_password}>
          {(props) => (
            <input {...props} type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
          )}
        </Field>
        <NewPasswordField label="New password" error={errors.new_password} value={next} onChange={setNext} />
        {Object.keys(errors).length === 0 && <ProblemMessage error={change.error} />}
        {change.isSuccess && (
          <p className="notice success" role="status">
            Your password is changed. Your other sessions have ended.
          </p>
        )}
        <button type="submit" className="button" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </section>
  );
}
