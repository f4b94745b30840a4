import { useState } from "react";
import { Link, useLocation, useParams } from "../../lib/routing";

import { ApiProblem } from "../../api/problem";
import { ErrorState, Loading, ProblemMessage } from "../../components/ui";
import { money, when } from "../../lib/format";
import { usePageTitle } from "../../lib/usePageTitle";
import { useCancelOrder, useOrder } from "./api";

export default function OrderPage() {
  const { orderId = "" } = useParams();
  const location = useLocation();
  const justPlaced = Boolean((location.state as { placed?: boolean } | null)?.placed);
  const [confirming, setConfirming] = useState(false);
  usePageTitle(`Order ${orderId.slice(0, 8)}`);

  const order = useOrder(orderId);
  const cancel = useCancelOrder(orderId);

  if (order.isPending) return <Loading label="Loading the order…" />;
  if (order.isError) {
    if (order.error instanceof ApiProblem && order.error.status === 404) {
      return (
        <section className="narrow">
          <h1>Order not found</h1>
          <p>
            <Link to="/orders">Your orders</Link>
          </p>
        </section>
      );
    }
    return <ErrorState error={order.error} onRetry={() => order.refetch()} />;
  }
  const { data } = order;
  return (
    <section className="narrow wide-ish">
      {justPlaced && data.status === "placed" && (
        <p className="notice success" role="status">
          Thank you! Your order is placed.
        </p>
      )}
      <h1>Order #{data.id.slice(0, 8)}</h1>
      <p className="muted">
        Placed {when(data.created_at)} ·{" "}
        {data.status === "cancelled" ? (
          <span className="status cancelled">
            Cancelled{data.cancelled_at ? ` on ${when(data.cancelled_at)}` : ""}
          </span>
        ) : (
          <span className="status placed">Placed</span>
        )}
      </p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Unit price</th>
            <th scope="col">Quantity</th>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {data.lines.map((line) => (
            <tr key={line.product_id}>
              <td data-label="Product">
                <Link to={`/products/${line.product_id}`}>{line.name}</Link>
              </td>
              <td data-label="Unit price">{money(line.unit_price, data.currency)}</td>
              <td data-label="Quantity">{line.quantity}</td>
              <td data-label="Total">{money(line.line_total, data.currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td>{money(data.total, data.currency)}</td>
          </tr>
        </tfoot>
      </table>
      {data.status === "placed" &&
        (confirming ? (
          <div className="confirm" role="group" aria-label="Cancel this order?">
            <p>Cancel this order? The items go back on sale.</p>
            <button
              type="button"
              className="button danger"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate(undefined, { onSuccess: () => setConfirming(false) })}
            >
              Yes, cancel the order
            </button>
            <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
              Keep the order
            </button>
          </div>
        ) : (
          <button type="button" className="button secondary" onClick={() => setConfirming(true)}>
            Cancel order
          </button>
        ))}
      <ProblemMessage error={cancel.error} />
    </section>
  );
}
