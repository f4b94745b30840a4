import { Link } from "../../lib/routing";

import { Empty, ErrorState, Loading, Pager } from "../../components/ui";
import { useCursorPages } from "../../lib/useCursorPages";
import { usePageTitle } from "../../lib/usePageTitle";
import { OrderList } from "../../components/OrderList";
import { useMyOrders } from "./api";

export default function OrdersPage() {
  usePageTitle("Your orders");
  const pages = useCursorPages("my-orders");
  const orders = useMyOrders(pages.cursor);
  return (
    <section>
      <h1>Your orders</h1>
      {orders.isPending ? (
        <Loading label="Loading your orders…" />
      ) : orders.isError ? (
        <ErrorState error={orders.error} onRetry={() => orders.refetch()} />
      ) : orders.data.items.length === 0 ? (
        <Empty>
          <p>You have not ordered anything yet.</p>
          <Link to="/" className="button">
            Browse the shop
          </Link>
        </Empty>
      ) : (
        <>
          <OrderList orders={orders.data.items} />
          <Pager pages={pages} nextCursor={orders.data.next_cursor} />
        </>
      )}
    </section>
  );
}
