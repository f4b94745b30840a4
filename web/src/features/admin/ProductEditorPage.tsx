import { type FormEvent, useEffect, useId, useState } from "react";
import { useNavigate, useParams } from "../../lib/routing";

import type { Product } from "../../api/client";
import { ApiProblem, fieldErrors, fieldLabel } from "../../api/problem";
import { ErrorState, Field, Loading, ProblemMessage } from "../../components/ui";
import { parseAmount } from "../../lib/decimal";
import type { ProductStatus } from "../../api/products";
import { useStore } from "../../api/store";
import { usePageTitle } from "../../lib/usePageTitle";
import { AdminNav } from "./AdminNav";
import { IMAGE_TYPES, useDeleteProduct, useEditedProduct, useSaveProduct } from "./api";
import { ImageUploader } from "./ImageUploader";
import { combinations, type OptionDraft, optionSpecs, type VariantRow } from "./variantDrafts";
import { NewVariantsGrid, OptionsFields, VariantsGrid } from "./VariantsEditor";

interface Draft {
  name: string;
  description: string;
  price: string;
  currency: string;
  category: string;
  tags: string;
  sku: string;
  stock: string;
  status: ProductStatus;
}

function emptyDraft(currency: string): Draft {
  return {
    name: "",
    description: "",
    price: "",
    currency,
    category: "",
    tags: "",
    sku: "",
    stock: "0",
    status: "active",
  };
}

function draftOf(product: Product): Draft {
  return {
    name: product.name,
    description: product.description,
    price: product.price,
    currency: product.currency,
    category: product.category,
    tags: product.tags.join(", "),
    sku: product.sku ?? "",
    stock: String(product.stock),
    status: product.status,
  };
}

/** The fields someone else changed between two versions of the product. */
function changedFields(before: Product, after: Product): string[] {
  const [a, b] = [draftOf(before), draftOf(after)];
  return (Object.keys(a) as (keyof Draft)[])
    .filter((key) => key !== "stock" && a[key] !== b[key])
    .map((key) => fieldLabel(key));
}

/** What the form says, as the API takes it; no currency: the store's. */
function fieldsOf(draft: Draft, price: string) {
  const currency = draft.currency.trim();
  return {
    name: draft.name.trim(),
    description: draft.description,
    price,
    ...(currency ? { currency } : {}),
    category: draft.category.trim(),
    tags: draft.tags
      .split(",")
      .map((tag) => tag.trim())
      .filter(Boolean),
    sku: draft.sku.trim() || null,
    status: draft.status,
  };
}

export default function ProductEditorPage() {
  const { productId } = useParams();
  const creating = !productId;
  const navigate = useNavigate();
  const store = useStore();
  const photoId = useId();
  const [draft, setDraft] = useState<Draft>(() => emptyDraft(""));
  const [photo, setPhoto] = useState<File | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  // a new product's options and the variants they make
  const [optionDrafts, setOptionDrafts] = useState<OptionDraft[]>([]);
  const [variantRows, setVariantRows] = useState<VariantRow[]>([]);
  // mistakes found here, before anything is sent (a price that is not one)
  const [draftErrors, setDraftErrors] = useState<Record<string, string> | null>(null);
  // after a clash: the latest version is loaded under the admin's own edits, and this says
  // what the other person changed
  const [kept, setKept] = useState<string[] | null>(null);
  usePageTitle(creating ? "New product" : "Edit product");

  const loaded = useEditedProduct(productId);
  const [product, etag] = loaded.data ?? [null, ""];

  // a new product is in the store's currency (GET /store) until the admin says otherwise
  const storeCurrency = store.data?.currency ?? "";
  useEffect(() => {
    if (creating) setDraft((d) => (d.currency ? d : { ...d, currency: storeCurrency }));
  }, [creating, storeCurrency]);

  // the form is filled once from what was loaded, and again only on an explicit reload: an
  // image change (which moves the version) keeps what the admin has typed
  const [filled, setFilled] = useState(false);
  useEffect(() => {
    if (product && !filled) {
      setDraft(draftOf(product));
      setFilled(true);
    }
  }, [product, filled]);

  const save = useSaveProduct(productId);
  const remove = useDeleteProduct(productId ?? "");

  if (!creating && loaded.isPending) return <Loading label="Loading the product…" />;
  if (!creating && loaded.isError) return <ErrorState error={loaded.error} onRetry={() => loaded.refetch()} />;

  const problem = save.error instanceof ApiProblem ? save.error.problem : null;
  const errors = draftErrors ?? fieldErrors(problem);
  if (problem?.code === "sku_taken") errors.sku = "Another product has this SKU.";
  const stale = problem?.status === 412;

  const set = (name: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [name]: e.target.value }));
  const options = optionSpecs(optionDrafts);
  const rows = combinations(options, variantRows);
  // a product with options: its price, SKU and stock are each variant's
  const withVariants = creating ? options.length > 0 : (product?.options.length ?? 0) > 0;
  const changeOptions = (drafts: OptionDraft[]) => {
    setOptionDrafts(drafts);
    setVariantRows(combinations(optionSpecs(drafts), variantRows));
  };
  const variantsOf = () => {
    const mistakes: Record<string, string> = {};
    const variants = rows.map((row) => {
      const price = parseAmount(row.price, navigator.language);
      const stock = Number(row.stock || "0");
      if (!price.ok) mistakes.variants = `Every variant needs a price (${price.message}).`;
      if (!Number.isInteger(stock) || stock < 0) mistakes.variants = "Every variant's stock is 0 or more.";
      return { sku: row.sku.trim() || null, options: row.options, price: price.ok ? price.value : "0", stock };
    });
    return { variants, mistakes };
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (withVariants) {
      const { variants, mistakes } = creating ? variantsOf() : { variants: [], mistakes: {} };
      setDraftErrors(Object.keys(mistakes).length ? mistakes : null);
      if (Object.keys(mistakes).length) return;
      const { price: _price, sku: _sku, ...fields } = fieldsOf(draft, "0");
      save.mutate(
        { fields, stock: 0, photo, etag, options, variants },
        {
          onSuccess: ({ saved, photoError }) => {
            setKept(null);
            if (creating) navigate(`/admin/products/${saved.id}`, { replace: true, state: { created: true, photoError } });
          },
        },
      );
      return;
    }
    const price = parseAmount(draft.price, navigator.language);
    const stock = Number(draft.stock || "0");
    const mistakes = {
      ...(price.ok ? {} : { price: price.message }),
      ...(creating && (!Number.isInteger(stock) || stock < 0) ? { stock: "Enter 0 or more." } : {}),
    };
    setDraftErrors(Object.keys(mistakes).length ? mistakes : null);
    if (!price.ok || Object.keys(mistakes).length) return;
    save.mutate(
      { fields: fieldsOf(draft, price.value), stock, photo, etag },
      {
        onSuccess: ({ saved, photoError }) => {
          setKept(null);
          if (creating) {
            navigate(`/admin/products/${saved.id}`, { replace: true, state: { created: true, photoError } });
          }
        },
      },
    );
  };
  /** Take theirs: the latest version replaces what was typed. */
  const discardMine = async () => {
    save.reset();
    setKept(null);
    await loaded.refetch();
    setFilled(false); // the effect above puts the latest values in the form
  };
  /** Keep mine: load the latest version (its ETag) under the admin's own edits; saving
   * again puts them over it. */
  const keepMine = async () => {
    const before = product;
    save.reset();
    const latest = await loaded.refetch();
    const after = latest.data?.[0];
    setKept(before && after ? changedFields(before, after) : []);
  };

  return (
    <section>
      <AdminNav />
      <h1>{creating ? "New product" : `Edit ${product?.name ?? "product"}`}</h1>
      {save.isSuccess && !creating && (
        <p className="notice success" role="status">
          Saved.
        </p>
      )}
      <div className="editor">
        <form className="card form" onSubmit={submit} noValidate>
          <Field label="Name" error={errors.name}>
            {(props) => <input {...props} required maxLength={200} value={draft.name} onChange={set("name")} />}
          </Field>
          <Field label="Description" error={errors.description}>
            {(props) => <textarea {...props} rows={4} maxLength={5000} value={draft.description} onChange={set("description")} />}
          </Field>
          <div className="field-row">
            {!withVariants && (
              <Field label="Price" error={errors.price} hint="For example 19.99 (or 19,99)">
                {(props) => <input {...props} inputMode="decimal" required value={draft.price} onChange={set("price")} />}
              </Field>
            )}
            <Field label="Currency" error={errors.currency}>
              {(props) => <input {...props} required maxLength={3} value={draft.currency} onChange={set("currency")} />}
            </Field>
          </div>
          <Field label="Category" error={errors.category}>
            {(props) => <input {...props} required maxLength={50} value={draft.category} onChange={set("category")} />}
          </Field>
          <Field label="Tags" error={errors.tags} hint="Separated by commas">
            {(props) => <input {...props} value={draft.tags} onChange={set("tags")} />}
          </Field>
          {!withVariants && (
            <Field label="SKU" error={errors.sku}>
              {(props) => <input {...props} maxLength={64} value={draft.sku} onChange={set("sku")} />}
            </Field>
          )}
          <Field label="Status" error={errors.status} hint="Only active products are shown to shoppers and sold.">
            {(props) => (
              <select
                {...props}
                value={draft.status}
                onChange={(event) => setDraft((d) => ({ ...d, status: event.target.value as ProductStatus }))}
              >
                <option value="active">Active</option>
                <option value="draft">Draft</option>
                <option value="archived">Archived</option>
              </select>
            )}
          </Field>
          {creating && <OptionsFields drafts={optionDrafts} onChange={changeOptions} />}
          {creating && withVariants && (
            <>
              <NewVariantsGrid options={options} rows={rows} onChange={setVariantRows} />
              {errors.variants && <p className="field-error">{errors.variants}</p>}
            </>
          )}
          {creating && (
            <>
              {!withVariants && (
                <Field label="Initial stock" error={errors.stock}>
                  {(props) => <input {...props} type="number" min={0} inputMode="numeric" value={draft.stock} onChange={set("stock")} />}
                </Field>
              )}
              <div className="field">
                <label htmlFor={photoId}>Photo</label>
                <input
                  id={photoId}
                  type="file"
                  accept={IMAGE_TYPES.join(",")}
                  onChange={(event) => setPhoto(event.target.files?.[0] ?? null)}
                />
                <p className="hint">Optional: JPEG, PNG or WebP, up to 5 MB; uploaded with the product.</p>
              </div>
            </>
          )}
          {stale ? (
            <div className="problem" role="alert">
              <p>This product was changed by someone else while you were editing it.</p>
              <div className="inline-confirm">
                <button type="button" className="button small" onClick={keepMine}>
                  Keep my changes
                </button>
                <button type="button" className="button secondary small" onClick={discardMine}>
                  Discard mine, load theirs
                </button>
              </div>
            </div>
          ) : (
            Object.keys(errors).length === 0 && <ProblemMessage error={save.error} />
          )}
          {kept && (
            <p className="notice" role="status">
              The latest version is loaded under your changes
              {kept.length > 0 ? ` (they changed: ${kept.join(", ")})` : ""}. Save again to put yours
              over it.
            </p>
          )}
          <button type="submit" className="button" disabled={save.isPending}>
            {creating ? "Create product" : "Save changes"}
          </button>
          {save.isPending && creating && photo && (
            <p className="muted" role="status">
              Creating the product and uploading its photo…
            </p>
          )}
        </form>
        {product && (
          <div className="editor-side">
            {withVariants && <VariantsGrid product={product} etag={etag} />}
            <ImageUploader
              product={product}
              onChange={() => void loaded.refetch()}
            />
            <div className="card danger-zone">
              <h2>Delete</h2>
              {confirmDelete ? (
                <div role="group" aria-label="Delete this product?">
                  <p>Delete {product.name} for good? It leaves the shop at once.</p>
                  <button type="button" className="button danger" disabled={remove.isPending} onClick={() => remove.mutate(undefined, { onSuccess: () => navigate("/admin/products", { replace: true }) })}>
                    Yes, delete it
                  </button>
                  <button type="button" className="button secondary" onClick={() => setConfirmDelete(false)}>
                    Keep it
                  </button>
                </div>
              ) : (
                <button type="button" className="button secondary" onClick={() => setConfirmDelete(true)}>
                  Delete product
                </button>
              )}
              <ProblemMessage error={remove.error} />
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
