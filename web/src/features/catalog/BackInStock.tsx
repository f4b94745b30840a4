import { Link } from "../../lib/routing";

import { ApiProblem } from "../../api/problem";
import { useSignedIn } from "../auth/api";
import { useAskBackInStock, useWithdrawBackInStock } from "./api";

/** On a sold-out product: ask for one e-mail when it is back (visitors log in first). */
export function BackInStock({ productId }: { productId: string }) {
  const signedIn = useSignedIn();
  const ask = useAskBackInStock(productId);
  const withdraw = useWithdrawBackInStock(productId);
  if (!signedIn) {
    return (
      <p className="muted">
        <Link to="/login">Log in</Link> to be told by e-mail when it is back.
      </p>
    );
  }
  if (ask.isSuccess) {
    return (
      <p role="status">
        We will e-mail you once when it is back.{" "}
        <button
          type="button"
          className="button link"
          disabled={withdraw.isPending}
          onClick={() => withdraw.mutate(undefined, { onSuccess: () => ask.reset() })}
        >
          Don't tell me
        </button>
      </p>
    );
  }
  const problem = ask.error instanceof ApiProblem ? ask.error.problem.detail : null;
  return (
    <div>
      <button type="button" className="button secondary" disabled={ask.isPending} onClick={() => ask.mutate()}>
        Tell me when it's back
      </button>
      {ask.isError && <p className="field-error">{problem ?? "That did not work; try again."}</p>}
    </div>
  );
}
