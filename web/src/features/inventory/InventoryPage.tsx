import { type FormEvent, useState } from "react";
import { Link } from "../../lib/routing";

import { Empty, ErrorState, Field, Loading, Pager } from "../../components/ui";
import { when } from "../../lib/format";
import { useCursorPages } from "../../lib/useCursorPages";
import { useSearchParam } from "../../lib/useSearchParam";
import { usePageTitle } from "../../lib/usePageTitle";
import { useLiveInventory, useLowStock } from "./api";

const DEFAULT_THRESHOLD = 5;
/** The highest threshold the API lists (its low-stock index holds only low levels). */
const CEILING = 100;

export default function InventoryPage() {
  usePageTitle("Inventory");
  const [asked, setAsked] = useSearchParam("threshold");
  const parsed = Number(asked);
  const threshold =
    asked && Number.isInteger(parsed) && parsed >= 0 && parsed <= CEILING ? parsed : DEFAULT_THRESHOLD;
  const [draft, setDraft] = useState(String(threshold));
  const pages = useCursorPages(`low-stock|${threshold}`);
  const levels = useLowStock(threshold, pages.cursor);
  useLiveInventory();

  const show = (value: number) => {
    setAsked(value === DEFAULT_THRESHOLD ? "" : String(value));
    setDraft(String(value));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = Number(draft);
    if (Number.isInteger(value) && value >= 0 && value <= CEILING) show(value);
  };

  return (
    <section>
      <h1>Inventory</h1>
      <p className="muted">Products by stock level, lowest first.</p>
      <form className="inline-form" onSubmit={submit}>
        <Field label="Stock at most">
          {(props) => (
            <input
              {...props}
              type="number"
              min={0}
              max={CEILING}
              inputMode="numeric"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button secondary">
          Show low stock
        </button>
        <button type="button" className="button link" onClick={() => show(CEILING)}>
          Show everything up to {CEILING}
        </button>
      </form>
      {levels.isPending ? (
        <Loading label="Loading stock levels…" />
      ) : levels.isError ? (
        <ErrorState error={levels.error} onRetry={() => levels.refetch()} />
      ) : levels.data.items.length === 0 ? (
        <Empty>
          <p>No product has {threshold} or fewer in stock.</p>
        </Empty>
      ) : (
        <>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">SKU</th>
                <th scope="col">Stock</th>
                <th scope="col">Last change</th>
              </tr>
            </thead>
            <tbody>
              {levels.data.items.map((level) => (
                <tr key={level.product_id} className={level.stock === 0 ? "row-out" : undefined}>
                  <td data-label="Product" className="primary">
                    <Link to={`/inventory/${level.product_id}`}>{level.name}</Link>
                  </td>
                  <td data-label="SKU">{level.sku ?? "—"}</td>
                  <td data-label="Stock" className="number">
                    {level.stock}
                  </td>
                  <td data-label="Last change">
                    {level.stock_updated_at ? when(level.stock_updated_at) : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager pages={pages} nextCursor={levels.data.next_cursor} />
        </>
      )}
    </section>
  );
}
