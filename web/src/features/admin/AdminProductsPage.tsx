import { Link } from "../../lib/routing";

import { ProductImage } from "../../components/ProductImage";
import { Empty, ErrorState, Loading, Pager, SearchForm } from "../../components/ui";
import { money } from "../../lib/format";
import { useCursorPages } from "../../lib/useCursorPages";
import { usePageTitle } from "../../lib/usePageTitle";
import { useSearchParam } from "../../lib/useSearchParam";
import { useProductPage } from "../../api/products";
import { AdminNav } from "./AdminNav";
import { useStockOf } from "./api";

export default function AdminProductsPage() {
  usePageTitle("Products");
  const [q, setQ] = useSearchParam("q");
  const pages = useCursorPages(`admin-products|${q}`);
  const products = useProductPage({ q, cursor: pages.cursor }, { fresh: true });
  const stock = useStockOf(products.data?.items.map((p) => p.id) ?? []);

  return (
    <section>
      <AdminNav />
      <div className="page-head">
        <h1>Products</h1>
        <Link to="/admin/products/new" className="button">
          New product
        </Link>
      </div>
      <SearchForm label="Search products" initial={q} onSearch={setQ} />
      {products.isPending ? (
        <Loading label="Loading products…" />
      ) : products.isError ? (
        <ErrorState error={products.error} onRetry={() => products.refetch()} />
      ) : products.data.items.length === 0 ? (
        <Empty>
          <p>{q ? "No products match." : "No products yet."}</p>
        </Empty>
      ) : (
        <>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Image</span>
                </th>
                <th scope="col">Name</th>
                <th scope="col">Category</th>
                <th scope="col">SKU</th>
                <th scope="col">Price</th>
                <th scope="col">Stock</th>
              </tr>
            </thead>
            <tbody>
              {products.data.items.map((product) => {
                const level = stock.data?.get(product.id);
                return (
                  <tr key={product.id} className={level === 0 ? "row-out" : undefined}>
                    <td data-label="Image" className="thumb">
                      <ProductImage name={product.name} url={product.image_url} size="thumb" />
                    </td>
                    <td data-label="Name">
                      <Link to={`/admin/products/${product.id}`}>{product.name}</Link>
                    </td>
                    <td data-label="Category">{product.category}</td>
                    <td data-label="SKU">{product.sku ?? "—"}</td>
                    <td data-label="Price">{money(product.price, product.currency)}</td>
                    <td data-label="Stock" className="number">
                      <Link to={`/inventory/${product.id}`}>
                        {level ?? (product.in_stock ? "In stock" : "Sold out")}
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Pager pages={pages} nextCursor={products.data.next_cursor} />
        </>
      )}
    </section>
  );
}
