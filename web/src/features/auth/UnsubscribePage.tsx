import { ApiProblem } from "../../api/problem";
import { ProblemMessage } from "../../components/ui";
import { useLocation } from "../../lib/routing";
import { usePageTitle } from "../../lib/usePageTitle";
import { useUnsubscribe } from "./api";

const WHAT = {
  low_stock: "low-stock e-mails",
  back_in_stock: "back-in-stock e-mails",
} as const;

/** The link at the end of a low-stock or back-in-stock mail:
 * /app/unsubscribe#topic=...&user=...&token=... (in the fragment: it reaches no server log).
 * A button, not the link itself, unsubscribes: a mail scanner opening links changes nothing. */
export default function UnsubscribePage() {
  usePageTitle("Unsubscribe");
  const params = new URLSearchParams(useLocation().hash.slice(1));
  const topic = params.get("topic");
  const user = params.get("user") ?? "";
  const token = params.get("token") ?? "";
  const unsubscribe = useUnsubscribe();
  const known = topic === "low_stock" || topic === "back_in_stock";
  if (!known || !user || !token) {
    return (
      <section className="narrow">
        <h1>Unsubscribe</h1>
        <p className="problem" role="alert">
          This page needs the whole link from the e-mail.
        </p>
      </section>
    );
  }
  const what = WHAT[topic];
  return (
    <section className="narrow">
      <h1>Unsubscribe</h1>
      {unsubscribe.isSuccess ? (
        <p className="notice success" role="status">
          Done: you will get no more {what}.
        </p>
      ) : (
        <>
          <p>Stop getting {what} from this shop?</p>
          <button
            type="button"
            className="button"
            disabled={unsubscribe.isPending}
            onClick={() => unsubscribe.mutate({ topic, user_id: user, token })}
          >
            Unsubscribe
          </button>
          {unsubscribe.error instanceof ApiProblem && unsubscribe.error.problem.code === "invalid_token" ? (
            <p className="problem" role="alert">
              This link is no longer valid.
            </p>
          ) : (
            <ProblemMessage error={unsubscribe.error} />
          )}
        </>
      )}
    </section>
  );
}
