import { Empty, ErrorState, Loading, Pager } from "../../components/ui";
import { useCursorPages } from "../../lib/useCursorPages";
import { useSearchParam } from "../../lib/useSearchParam";
import { usePageTitle } from "../../lib/usePageTitle";
import { OrderList } from "../../components/OrderList";
import { AdminNav } from "./AdminNav";
import { useStoreOrders } from "./api";

type Status = "" | "placed" | "cancelled";

export default function AdminOrdersPage() {
  usePageTitle("All orders");
  const [asked, setStatus] = useSearchParam("status");
  const status: Status = asked === "placed" || asked === "cancelled" ? asked : "";
  const pages = useCursorPages(`all-orders|${status}`);
  const orders = useStoreOrders(status, pages.cursor);
  return (
    <section>
      <AdminNav />
      <h1>All orders</h1>
      <div className="inline-form">
        <label htmlFor="order-status">Status</label>
        <select
          id="order-status"
          value={status}
          onChange={(event) => setStatus(event.target.value)}
        >
          <option value="">All</option>
          <option value="placed">Placed</option>
          <option value="cancelled">Cancelled</option>
        </select>
      </div>
      {orders.isPending ? (
        <Loading label="Loading orders…" />
      ) : orders.isError ? (
        <ErrorState error={orders.error} onRetry={() => orders.refetch()} />
      ) : orders.data.items.length === 0 ? (
        <Empty>
          <p>No orders{status ? ` with status ${status}` : ""}.</p>
        </Empty>
      ) : (
        <>
          <OrderList orders={orders.data.items} showBuyer />
          <Pager pages={pages} nextCursor={orders.data.next_cursor} />
        </>
      )}
    </section>
  );
}
