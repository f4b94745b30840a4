import { useQuery } from "@tanstack/react-query";
import { Link } from "../../lib/routing";

import { api, unwrap } from "../../api/client";
import { Empty, ErrorState, Loading, Pager } from "../../components/ui";
import { useCursorPages } from "../../lib/useCursorPages";
import { usePageTitle } from "../../lib/usePageTitle";
import { OrderList } from "./OrderList";

export default function OrdersPage() {
  usePageTitle("Your orders");
  const pages = useCursorPages("my-orders");
  const orders = useQuery({
    queryKey: ["orders", "mine", pages.cursor],
    queryFn: () =>
      unwrap(api.GET("/orders", { params: { query: { limit: 20, cursor: pages.cursor ?? undefined } } })),
  });
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
