import { Link } from "../../lib/routing";

import { ProductImage } from "../../components/ProductImage";
import { Empty, ErrorState, Loading, Pager, SearchForm } from "../../components/ui";
import { money } from "../../lib/format";
import { useCursorPages } from "../../lib/useCursorPages";
import { usePageTitle } from "../../lib/usePageTitle";
import { useSearchParam } from "../../lib/useSearchParam";
import { type ProductStatus, useProductPage } from "../../api/products";
import { AdminNav } from "./AdminNav";
import { ExportButton } from "./ExportButton";
import { useStockOf } from "./api";

const STATUSES: ProductStatus[] = ["active", "draft", "archived"];

export default function AdminProductsPage() {
  usePageTitle("Products");
  const [q, setQ] = useSearchParam("q");
  const [asked, setStatus] = useSearchParam("status");
  const status: ProductStatus = STATUSES.includes(asked as ProductStatus) ? (asked as ProductStatus) : "active";
  const pages = useCursorPages(`admin-products|${q}|${status}`);
  const products = useProductPage({ q, status, cursor: pages.cursor }, { fresh: true });
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
      <div className="page-tools">
        <ExportButton />
      </div>
      <SearchForm label="Search products" initial={q} onSearch={setQ} />
      <div className="inline-form">
        <label htmlFor="product-status">Show</label>
        <select id="product-status" value={status} onChange={(event) => setStatus(event.target.value)}>
          <option value="active">Active (shoppers see these)</option>
          <option value="draft">Drafts</option>
          <option value="archived">Archived</option>
        </select>
      </div>
      {products.isPending ? (
        <Loading label="Loading products…" />
      ) : products.isError ? (
        <ErrorState error={products.error} onRetry={() => products.refetch()} />
      ) : products.data.items.length === 0 ? (
        <Empty>
          <p>{q ? "No products match." : status === "active" ? "No products yet." : `No ${status} products.`}</p>
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
                      {product.status !== "active" && <span className={`status ${product.status}`}> {product.status}</span>}
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
