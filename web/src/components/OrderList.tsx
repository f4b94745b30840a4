import { Link } from "../lib/routing";

import type { Order } from "../api/client";
import { money, when } from "../lib/format";

/** Orders as a table (a list of cards on narrow screens, by CSS). */
export function OrderList({ orders, showBuyer = false }: { orders: Order[]; showBuyer?: boolean }) {
  return (
    <table className="table orders">
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">Placed</th>
          {showBuyer && <th scope="col">Buyer</th>}
          <th scope="col">Items</th>
          <th scope="col">Total</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((order) => (
          <tr key={order.id}>
            <td data-label="Order" className="primary">
              <Link to={`/orders/${order.id}`}>#{order.id.slice(0, 8)}</Link>
            </td>
            <td data-label="Placed">{when(order.created_at)}</td>
            {showBuyer && (
              <td data-label="Buyer">
                {order.buyer ? (
                  <Link to={`/admin/users?email=${encodeURIComponent(order.buyer.email)}`}>
                    {order.buyer.name} <span className="muted">({order.buyer.email})</span>
                  </Link>
                ) : (
                  <span className="muted">A deleted account</span>
                )}
              </td>
            )}
            <td data-label="Items">{order.lines.map((l) => `${l.quantity} × ${l.name}`).join(", ")}</td>
            <td data-label="Total">{money(order.total, order.currency)}</td>
            <td data-label="Status">
              <span className={`status ${order.status}`}>{order.status}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
