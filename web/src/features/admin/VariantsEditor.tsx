import { useState } from "react";

import type { Product } from "../../api/client";
import { ProblemMessage } from "../../components/ui";
import { parseAmount } from "../../lib/decimal";
import { useSaveVariant } from "./api";
import { MAX_OPTIONS, type OptionDraft, rowLabel, type VariantRow } from "./variantDrafts";

/** The grids' header: a variant's values, SKU, price and stock (and its save button). */
function VariantsHead({ saved = false }: { saved?: boolean }) {
  return (
    <thead>
      <tr>
        <th>Variant</th>
        <th>SKU</th>
        <th>Price</th>
        <th>Stock</th>
        {saved && <th />}
      </tr>
    </thead>
  );
}

/** A new product's options: up to three, each a name and its values. */
export function OptionsFields({
  drafts,
  onChange,
}: {
  drafts: OptionDraft[];
  onChange: (drafts: OptionDraft[]) => void;
}) {
  const change = (n: number, part: Partial<OptionDraft>) =>
    onChange(drafts.map((d, i) => (i === n ? { ...d, ...part } : d)));
  return (
    <fieldset className="options-fields">
      <legend>Options</legend>
      <p className="hint">Sold in sizes, colours…? Name each option and its values; each combination gets its own SKU, price and stock.</p>
      {drafts.map((draft, n) => (
        <div className="field-row" key={n}>
          <label>
            Option {n + 1} name
            <input value={draft.name} maxLength={50} onChange={(e) => change(n, { name: e.target.value })} />
          </label>
          <label>
            Option {n + 1} values
            <input value={draft.values} placeholder="S, M, L" onChange={(e) => change(n, { values: e.target.value })} />
          </label>
        </div>
      ))}
      {drafts.length < MAX_OPTIONS && (
        <button type="button" className="button secondary small" onClick={() => onChange([...drafts, { name: "", values: "" }])}>
          Add an option
        </button>
      )}
    </fieldset>
  );
}

/** The grid of a new product's variants: SKU, price and stock of each combination. */
export function NewVariantsGrid({
  options,
  rows,
  onChange,
}: {
  options: { name: string }[];
  rows: VariantRow[];
  onChange: (rows: VariantRow[]) => void;
}) {
  const change = (n: number, part: Partial<VariantRow>) => onChange(rows.map((r, i) => (i === n ? { ...r, ...part } : r)));
  return (
    <table className="table variants" aria-label="Variants">
      <VariantsHead />
      <tbody>
        {rows.map((row, n) => {
          const label = rowLabel(options, row);
          return (
            <tr key={label}>
              <td>{label}</td>
              <td>
                <input aria-label={`SKU of ${label}`} maxLength={64} value={row.sku} onChange={(e) => change(n, { sku: e.target.value })} />
              </td>
              <td>
                <input aria-label={`Price of ${label}`} inputMode="decimal" value={row.price} onChange={(e) => change(n, { price: e.target.value })} />
              </td>
              <td>
                <input aria-label={`Stock of ${label}`} type="number" min={0} inputMode="numeric" value={row.stock} onChange={(e) => change(n, { stock: e.target.value })} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** An existing product's variants: each row's SKU, price and stock saved on its own. */
export function VariantsGrid({ product, etag }: { product: Product; etag: string }) {
  return (
    <div className="card">
      <h2>Variants</h2>
      <table className="table variants" aria-label="Variants">
        <VariantsHead saved />
        <tbody>
          {product.variants.map((variant) => (
            <VariantRowForm key={variant.id} product={product} variant={variant} etag={etag} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function VariantRowForm({
  product,
  variant,
  etag,
}: {
  product: Product;
  variant: Product["variants"][number];
  etag: string;
}) {
  const label = rowLabel(product.options, variant);
  const [sku, setSku] = useState(variant.sku ?? "");
  const [price, setPrice] = useState(variant.price);
  const [stock, setStock] = useState(String(variant.stock));
  const [mistake, setMistake] = useState<string | null>(null);
  const save = useSaveVariant(product.id);
  const submit = () => {
    const amount = parseAmount(price, navigator.language);
    const level = Number(stock);
    if (!amount.ok) return setMistake(amount.message);
    if (!Number.isInteger(level) || level < 0) return setMistake("Enter a stock of 0 or more.");
    setMistake(null);
    save.mutate({
      variantId: variant.id,
      sku: sku.trim() || null,
      price: amount.value,
      stock: level === variant.stock ? null : level,
      etag,
    });
  };
  return (
    <tr>
      <td>{label}</td>
      <td>
        <input aria-label={`SKU of ${label}`} maxLength={64} value={sku} onChange={(e) => setSku(e.target.value)} />
      </td>
      <td>
        <input aria-label={`Price of ${label}`} inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
      </td>
      <td>
        <input aria-label={`Stock of ${label}`} type="number" min={0} value={stock} onChange={(e) => setStock(e.target.value)} />
      </td>
      <td>
        <button type="button" className="button small" disabled={save.isPending} onClick={submit}>
          Save {label}
        </button>
        {save.isSuccess && <span role="status"> Saved.</span>}
        {mistake && <span className="field-error"> {mistake}</span>}
        <ProblemMessage error={save.error} />
      </td>
    </tr>
  );
}
