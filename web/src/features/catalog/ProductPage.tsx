import { useId, useState } from "react";
import { Link, useParams } from "../../lib/routing";

import { ApiProblem } from "../../api/problem";
import { ProductImage } from "../../components/ProductImage";
import { ErrorState, Loading } from "../../components/ui";
import { money, stockWords } from "../../lib/format";
import { usePageTitle } from "../../lib/usePageTitle";
import { AddToCart } from "./AddToCart";
import { BackInStock } from "./BackInStock";
import { chosenVariant, VariantPicker, variantLabel } from "./VariantPicker";
import { FALLBACK_INTERVAL_MS, useLiveProduct, useLiveStatus } from "../../api/products";

export default function ProductPage() {
  const { productId = "" } = useParams();
  const product = useLiveProduct(productId);
  const status = useLiveStatus();
  const nameId = useId();
  const [chosen, setChosen] = useState<Record<string, string>>({});
  usePageTitle(product.data?.name ?? "Product");

  if (product.isPending) return <Loading label="Loading the product…" />;
  if (product.isError) {
    if (product.error instanceof ApiProblem && product.error.status === 404) {
      return (
        <section className="narrow">
          <h1>Product not found</h1>
          <p>
            It may have been removed. <Link to="/">Back to the shop</Link>.
          </p>
        </section>
      );
    }
    return <ErrorState error={product.error} onRetry={() => product.refetch()} />;
  }
  const { data } = product;
  const hasOptions = data.options.length > 0;
  // the first value of each option until the shopper picks another
  const picked = Object.fromEntries(
    data.options.map((option) => [option.name, chosen[option.name] ?? option.values[0] ?? ""]),
  );
  const variant = hasOptions ? chosenVariant(data, picked) : undefined;
  const stock = hasOptions ? (variant?.stock ?? 0) : data.stock;
  const price = variant?.price ?? data.price;
  return (
    <article className="product-detail">
      <ProductImage name={data.name} url={data.image_url} size="large" priority />
      <div className="product-detail-body">
        <p className="breadcrumb">
          <Link to={`/?category=${encodeURIComponent(data.category)}`}>{data.category}</Link>
        </p>
        <h1 id={nameId}>{data.name}</h1>
        {hasOptions && <VariantPicker product={data} chosen={picked} onChoose={setChosen} />}
        <p className="price large">{money(price, data.currency)}</p>
        <p className={stock > 0 ? "stock in" : "stock out"} aria-live="polite">
          <span data-testid="live-stock">
            {hasOptions && !variant ? "Not available in this combination" : stockWords(stock)}
          </span>
        </p>
        {status !== "off" && (
          <p className={`live-status ${status}`} data-testid="live-status" data-status={status}>
            {status === "up"
              ? "Live"
              : `Checked every ${FALLBACK_INTERVAL_MS / 1000} s while reconnecting`}
          </p>
        )}
        <AddToCart
          product={
            variant
              ? { ...data, name: `${data.name} (${variantLabel(data, variant)})`, price: variant.price }
              : data
          }
          variantId={variant?.id}
          available={stock > 0}
          describedBy={nameId}
        />
        {data.stock <= 0 && <BackInStock productId={data.id} />}
        {data.description && <p className="description">{data.description}</p>}
        <dl className="facts">
          {(variant?.sku ?? data.sku) && (
            <>
              <dt>SKU</dt>
              <dd>{variant?.sku ?? data.sku}</dd>
            </>
          )}
          {data.tags.length > 0 && (
            <>
              <dt>Tags</dt>
              <dd>{data.tags.join(", ")}</dd>
            </>
          )}
        </dl>
      </div>
    </article>
  );
}
