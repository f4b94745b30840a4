import { useId } from "react";
import { Link, useSearchParams } from "../../lib/routing";

import type { ProductSummary } from "../../api/client";
import { ProductImage } from "../../components/ProductImage";
import { Empty, ErrorState, Loading, Pager, SearchForm } from "../../components/ui";
import { money } from "../../lib/format";
import { useCursorPages } from "../../lib/useCursorPages";
import { usePageTitle } from "../../lib/usePageTitle";
import { AddToCart } from "./AddToCart";
import { useProductPage } from "../../api/products";
import { useCategories } from "./api";

function ProductCard({ product, priority }: { product: ProductSummary; priority: boolean }) {
  const nameId = useId();
  const available = product.in_stock;
  return (
    <li className="card product-card">
      <Link to={`/products/${product.id}`} className="product-card-link">
        <ProductImage name={product.name} url={product.image_url} priority={priority} />
        <span className="product-card-name" id={nameId}>
          {product.name}
        </span>
      </Link>
      <p className="product-card-meta">
        <span className="price">
          {product.price_min === product.price_max
            ? money(product.price, product.currency)
            : `${money(product.price_min, product.currency)} – ${money(product.price_max, product.currency)}`}
        </span>
        <span className={available ? "availability in" : "availability out"}>
          {available ? "In stock" : "Sold out"}
        </span>
      </p>
      {product.options.length > 0 ? (
        <Link to={`/products/${product.id}`} className="button secondary" aria-describedby={nameId}>
          Choose {product.options.map((option) => option.name.toLowerCase()).join(" and ")}
        </Link>
      ) : (
        <AddToCart product={product} available={available} describedBy={nameId} />
      )}
    </li>
  );
}

function CategoryFilter({
  selected,
  onSelect,
}: {
  selected: string;
  onSelect: (category: string) => void;
}) {
  const categories = useCategories();
  if (categories.isError) return null; // the catalog still works without the filter
  return (
    <nav className="categories" aria-label="Categories">
      <button
        type="button"
        className={selected ? "chip" : "chip selected"}
        aria-pressed={!selected}
        onClick={() => onSelect("")}
      >
        All
      </button>
      {categories.data?.items.map(({ category, product_count }) => (
        <button
          key={category}
          type="button"
          className={selected.toLowerCase() === category.toLowerCase() ? "chip selected" : "chip"}
          aria-pressed={selected.toLowerCase() === category.toLowerCase()}
          onClick={() => onSelect(category)}
        >
          {category} <span className="chip-count">{product_count}</span>
        </button>
      ))}
    </nav>
  );
}

export function CatalogPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const category = params.get("category") ?? "";
  const pages = useCursorPages(`catalog|${q}|${category}`);
  const page = useProductPage({ q, category, cursor: pages.cursor });
  usePageTitle(category || (q ? `Search: ${q}` : "Shop"));

  // a new search or category starts at its first page
  const apply = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    next.delete("page");
    setParams(next);
  };

  return (
    <section>
      <div className="catalog-head">
        <h1>{category || "Shop"}</h1>
        <SearchForm label="Search products" initial={q} onSearch={(text) => apply({ q: text })} />
      </div>
      <CategoryFilter selected={category} onSelect={(c) => apply({ category: c })} />
      {page.isPending ? (
        <Loading label="Loading products…" />
      ) : page.isError ? (
        <ErrorState error={page.error} onRetry={() => page.refetch()} />
      ) : page.data.items.length === 0 ? (
        <Empty>
          <p>{q || category ? "No products match." : "The shop has no products yet."}</p>
          {(q || category) && (
            <button type="button" className="button secondary" onClick={() => setParams(new URLSearchParams())}>
              Show everything
            </button>
          )}
        </Empty>
      ) : (
        <>
          <ul className="product-grid" aria-label="Products">
            {page.data.items.map((product, index) => (
              <ProductCard key={product.id} product={product} priority={index < 4} />
            ))}
          </ul>
          <Pager pages={pages} nextCursor={page.data.next_cursor} />
        </>
      )}
    </section>
  );
}
