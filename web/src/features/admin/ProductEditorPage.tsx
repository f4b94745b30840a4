import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router";

import { api, type Product, unwrap, unwrapWithEtag } from "../../api/client";
import { ApiProblem, fieldErrors } from "../../api/problem";
import { ErrorState, Field, Loading, ProblemMessage } from "../../components/ui";
import { usePageTitle } from "../../lib/usePageTitle";
import { AdminNav } from "./AdminNav";
import { ImageUploader } from "./ImageUploader";

interface Draft {
  name: string;
  description: string;
  price: string;
  currency: string;
  category: string;
  tags: string;
  sku: string;
  stock: string;
}

const EMPTY: Draft = {
  name: "",
  description: "",
  price: "",
  currency: "EUR",
  category: "",
  tags: "",
  sku: "",
  stock: "0",
};

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
  };
}

function bodyOf(draft: Draft) {
  return {
    name: draft.name.trim(),
    description: draft.description,
    price: draft.price.trim(),
    currency: draft.currency.trim(),
    category: draft.category.trim(),
    tags: draft.tags
      .split(",")
      .map((tag) => tag.trim())
      .filter(Boolean),
    sku: draft.sku.trim() || null,
  };
}

export default function ProductEditorPage() {
  const { productId } = useParams();
  const creating = !productId;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [confirmDelete, setConfirmDelete] = useState(false);
  usePageTitle(creating ? "New product" : "Edit product");

  const loaded = useQuery({
    queryKey: ["admin", "product", productId],
    queryFn: () =>
      // the latest, not a copy a cache kept: this is what the edit is checked against
      unwrapWithEtag(
        api.GET("/products/{product_id}", {
          params: { path: { product_id: productId ?? "" } },
          cache: "no-cache",
        }),
      ),
    enabled: !creating,
    staleTime: Number.POSITIVE_INFINITY, // the form works on what was loaded (its ETag)
  });
  const [product, etag] = loaded.data ?? [null, ""];

  // the form is filled once from what was loaded, and again only on an explicit reload: an
  // image change (which moves the version) keeps what the admin has typed
  const [filled, setFilled] = useState(false);
  useEffect(() => {
    if (product && !filled) {
      setDraft(draftOf(product));
      setFilled(true);
    }
  }, [product, filled]);

  const save = useMutation({
    mutationFn: async () => {
      if (creating) {
        return unwrapWithEtag(
          api.POST("/products", { body: { ...bodyOf(draft), stock: Number(draft.stock) || 0 } }),
        );
      }
      return unwrapWithEtag(
        api.PATCH("/products/{product_id}", {
          params: { path: { product_id: productId } },
          headers: { "If-Match": etag },
          body: bodyOf(draft),
        }),
      );
    },
    onSuccess: ([saved, newEtag]) => {
      queryClient.setQueryData(["admin", "product", saved.id], [saved, newEtag]);
      void queryClient.invalidateQueries({ queryKey: ["products"] });
      void queryClient.invalidateQueries({ queryKey: ["categories"] });
      void queryClient.invalidateQueries({ queryKey: ["product", saved.id] });
      if (creating) navigate(`/admin/products/${saved.id}`, { replace: true, state: { created: true } });
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/products/{product_id}", { params: { path: { product_id: productId ?? "" } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["products"] });
      void queryClient.invalidateQueries({ queryKey: ["categories"] });
      navigate("/admin/products", { replace: true });
    },
  });

  if (!creating && loaded.isPending) return <Loading label="Loading the product…" />;
  if (!creating && loaded.isError) return <ErrorState error={loaded.error} onRetry={() => loaded.refetch()} />;

  const problem = save.error instanceof ApiProblem ? save.error.problem : null;
  const errors = fieldErrors(problem);
  if (problem?.code === "sku_taken") errors.sku = "Another product has this SKU.";
  const stale = problem?.status === 412;

  const set = (name: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [name]: e.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const reload = async () => {
    save.reset();
    await loaded.refetch();
    setFilled(false); // the effect above puts the latest values in the form
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
            <Field label="Price" error={errors.price} hint="For example 19.99">
              {(props) => <input {...props} inputMode="decimal" required value={draft.price} onChange={set("price")} />}
            </Field>
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
          <Field label="SKU" error={errors.sku}>
            {(props) => <input {...props} maxLength={64} value={draft.sku} onChange={set("sku")} />}
          </Field>
          {creating && (
            <Field label="Initial stock" error={errors.stock}>
              {(props) => <input {...props} type="number" min={0} inputMode="numeric" value={draft.stock} onChange={set("stock")} />}
            </Field>
          )}
          {stale ? (
            <div className="problem" role="alert">
              <p>This product was changed by someone else while you were editing it.</p>
              <button type="button" className="button secondary small" onClick={reload}>
                Reload the latest version
              </button>
            </div>
          ) : (
            Object.keys(errors).length === 0 && <ProblemMessage error={save.error} />
          )}
          <button type="submit" className="button" disabled={save.isPending}>
            {creating ? "Create product" : "Save changes"}
          </button>
        </form>
        {product && (
          <div className="editor-side">
            <ImageUploader
              product={product}
              onChange={() => {
                void loaded.refetch();
                void queryClient.invalidateQueries({ queryKey: ["products"] });
                void queryClient.invalidateQueries({ queryKey: ["product", product.id] });
              }}
            />
            <div className="card danger-zone">
              <h2>Delete</h2>
              {confirmDelete ? (
                <div role="group" aria-label="Delete this product?">
                  <p>Delete {product.name} for good? It leaves the shop at once.</p>
                  <button type="button" className="button danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
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
