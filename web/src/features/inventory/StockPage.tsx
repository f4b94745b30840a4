import { type FormEvent, useState } from "react";
import { Link, useParams } from "../../lib/routing";

import { ApiProblem, fieldErrors } from "../../api/problem";
import { Empty, ErrorState, Field, Loading, Pager, ProblemMessage } from "../../components/ui";
import { useCurrentUser } from "../auth/api";
import { when } from "../../lib/format";
import { useCursorPages } from "../../lib/useCursorPages";
import { usePageTitle } from "../../lib/usePageTitle";
import {
  useAdjustStock,
  useLiveInventory,
  useMovements,
  useReloadStock,
  useSetLevel,
  useStockLevel,
} from "./api";

const KIND_WORDS: Record<string, string> = {
  initial: "Initial stock",
  set: "Stock count",
  adjustment: "Adjustment",
  purchase: "Purchase",
  cancellation: "Cancelled order",
};

/** Who made a change: a person by name and e-mail, else the system (the seed, a spread,
 * a deployment's bootstrap) or an account since deleted. */
function actorWords(actor: { name: string; email: string } | null | undefined, actorId: string): string {
  if (actor) return `${actor.name} (${actor.email})`;
  if (["system", "seed", "bootstrap"].includes(actorId)) return "The system";
  return "A deleted account";
}

/** The ledger, newest first. A product whose stock is spread over several buckets records
 * each bucket's changes: the level after a change is that bucket's. */
function Movements({ productId, buckets }: { productId: string; buckets: number }) {
  const pages = useCursorPages(`ledger|${productId}`);
  // orders are their buyers' and the admins' to open (GET /orders/{id})
  const isAdmin = useCurrentUser().user?.role === "admin";
  const movements = useMovements(productId, pages.cursor);
  if (movements.isPending) return <Loading label="Loading the ledger…" />;
  if (movements.isError) return <ErrorState error={movements.error} onRetry={() => movements.refetch()} />;
  if (movements.data.items.length === 0) return <Empty>No stock movements yet.</Empty>;
  return (
    <>
      <table className="table" aria-label="Stock movements">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Change</th>
            {buckets > 1 && <th scope="col">Bucket</th>}
            <th scope="col">{buckets > 1 ? "Bucket level after" : "Level after"}</th>
            <th scope="col">Reason</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {movements.data.items.map((entry) => (
            <tr key={entry.id}>
              <td data-label="When">{when(entry.at)}</td>
              <td data-label="What">
                {KIND_WORDS[entry.kind] ?? entry.kind}
                {entry.order_id &&
                  (isAdmin ? (
                    <>
                      {" "}
                      <Link to={`/orders/${entry.order_id}`}>#{entry.order_id.slice(0, 8)}</Link>
                    </>
                  ) : (
                    <span className="muted"> #{entry.order_id.slice(0, 8)}</span>
                  ))}
              </td>
              <td data-label="Change" className={entry.delta < 0 ? "number negative" : "number"}>
                {entry.delta > 0 ? `+${entry.delta}` : entry.delta}
              </td>
              {buckets > 1 && (
                <td data-label="Bucket" className="number">
                  {entry.bucket + 1}
                </td>
              )}
              <td data-label="Level after" className="number">
                {entry.stock_after ?? "—"}
              </td>
              <td data-label="Reason">{entry.reason}</td>
              <td data-label="By">{actorWords(entry.actor, entry.actor_id)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager pages={pages} nextCursor={movements.data.next_cursor} />
    </>
  );
}

export default function StockPage() {
  const { productId = "" } = useParams();
  const level = useStockLevel(productId);
  useLiveInventory(productId);
  const [target, setTarget] = useState("");
  const [setReason, setSetReason] = useState("");
  const [delta, setDelta] = useState("");
  const [adjustReason, setAdjustReason] = useState("");
  usePageTitle(level.data ? `Stock: ${level.data[0].name}` : "Stock");

  const setLevel = useSetLevel(productId);
  const reload = useReloadStock(productId);
  const adjust = useAdjustStock(productId);

  if (level.isPending) return <Loading label="Loading the stock level…" />;
  if (level.isError) return <ErrorState error={level.error} onRetry={() => level.refetch()} />;
  const [current] = level.data;
  const setProblem = setLevel.error instanceof ApiProblem ? setLevel.error : null;
  const setErrors = fieldErrors(setProblem?.problem);
  const adjustErrors = fieldErrors(adjust.error instanceof ApiProblem ? adjust.error.problem : null);
  const stale = setProblem?.status === 412;

  const onSet = (event: FormEvent) => {
    event.preventDefault();
    setLevel.mutate(
      { stock: Number(target), reason: setReason.trim(), etag: level.data?.[1] ?? "*" },
      {
        onSuccess: () => {
          setTarget("");
          setSetReason("");
        },
      },
    );
  };
  const onAdjust = (event: FormEvent) => {
    event.preventDefault();
    adjust.mutate(
      { delta: Number(delta), reason: adjustReason.trim() },
      {
        onSuccess: () => {
          setDelta("");
          setAdjustReason("");
        },
      },
    );
  };

  return (
    <section>
      <p className="breadcrumb">
        <Link to="/inventory">Inventory</Link>
      </p>
      <h1>{current.name}</h1>
      <p className="stock-level">
        <span className="big-number" data-testid="stock-level">
          {current.stock}
        </span>{" "}
        in stock{current.sku && <span className="muted"> · SKU {current.sku}</span>}
        {current.buckets > 1 && <span className="muted"> · spread over {current.buckets} buckets</span>}
      </p>
      <div className="two-columns">
        <form className="card form" onSubmit={onSet} aria-labelledby="set-heading">
          <h2 id="set-heading">Set the level</h2>
          <p className="muted">After a stock count: the ledger records the difference.</p>
          <Field label="New level" error={setErrors.stock}>
            {(props) => (
              <input
                {...props}
                type="number"
                min={0}
                inputMode="numeric"
                required
                value={target}
                onChange={(e) => setTarget(e.target.value)}
              />
            )}
          </Field>
          <Field label="Reason for the count" error={setErrors.reason}>
            {(props) => <input {...props} required value={setReason} onChange={(e) => setSetReason(e.target.value)} />}
          </Field>
          {stale ? (
            <div className="problem" role="alert">
              <p>The stock changed since you loaded this page: it is not what you counted against.</p>
              <button
                type="button"
                className="button secondary small"
                onClick={() => {
                  setLevel.reset();
                  reload();
                }}
              >
                Reload the level
              </button>
            </div>
          ) : (
            Object.keys(setErrors).length === 0 && <ProblemMessage error={setLevel.error} />
          )}
          <button type="submit" className="button" disabled={setLevel.isPending}>
            Set level
          </button>
        </form>
        <form className="card form" onSubmit={onAdjust} aria-labelledby="adjust-heading">
          <h2 id="adjust-heading">Adjust</h2>
          <p className="muted">A delivery (+) or breakage (−).</p>
          <Field label="Change" error={adjustErrors.delta} hint="For example 12 or -3.">
            {(props) => (
              <input
                {...props}
                type="number"
                inputMode="numeric"
                required
                value={delta}
                onChange={(e) => setDelta(e.target.value)}
              />
            )}
          </Field>
          <Field label="Reason for the change" error={adjustErrors.reason}>
            {(props) => (
              <input {...props} required value={adjustReason} onChange={(e) => setAdjustReason(e.target.value)} />
            )}
          </Field>
          {Object.keys(adjustErrors).length === 0 && <ProblemMessage error={adjust.error} />}
          <button type="submit" className="button" disabled={adjust.isPending}>
            Adjust stock
          </button>
        </form>
      </div>
      <h2>Movements</h2>
      <Movements productId={productId} buckets={current.buckets} />
    </section>
  );
}
