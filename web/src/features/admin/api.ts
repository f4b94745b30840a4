import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { api, type Product, type Schemas, unwrap, unwrapWithEtag, type User } from "../../api/client";
import { keys } from "../../api/keys";
import { ApiProblem, toProblem } from "../../api/problem";

/** Every order of the store (of one status), newest first, a page at a time. */
export function useStoreOrders(status: "" | "placed" | "cancelled", cursor: string | null) {
  return useQuery({
    queryKey: keys.orders.store(status, cursor),
    queryFn: () =>
      unwrap(
        api.GET("/admin/orders", {
          params: { query: { limit: 20, status: status || undefined, cursor: cursor ?? undefined } },
        }),
      ),
  });
}

export type AuditEntity = "" | "product" | "stock" | "order" | "user" | "store" | "webhook";

/** Who changed what, newest first, optionally of one kind of thing (GET /admin/audit). */
export function useAudit(entity: AuditEntity, cursor: string | null) {
  return useQuery({
    queryKey: keys.audit(entity, cursor),
    queryFn: () =>
      unwrap(
        api.GET("/admin/audit", {
          params: { query: { limit: 25, entity: entity || undefined, cursor: cursor ?? undefined } },
        }),
      ),
  });
}

export type WebhookEvent = Schemas["WebhookCreate"]["events"][number];

/** The store's webhooks (their secrets are never shown again). */
export function useWebhooks() {
  return useQuery({
    queryKey: keys.webhooks.all,
    queryFn: () => unwrap(api.GET("/admin/webhooks")),
  });
}

/** Register a webhook: the answer holds its secret, once. */
export function useCreateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["WebhookCreate"]) => unwrap(api.POST("/admin/webhooks", { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.webhooks.all }),
  });
}

export function useDeleteWebhook(webhookId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.DELETE("/admin/webhooks/{webhook_id}", { params: { path: { webhook_id: webhookId } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.webhooks.all }),
  });
}

/** Send the webhook a signed test event; its deliveries are read again shortly after. */
export function useSendTestEvent(webhookId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.POST("/admin/webhooks/{webhook_id}/test", { params: { path: { webhook_id: webhookId } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.webhooks.deliveries(webhookId) }),
  });
}

/** The webhook's latest deliveries; while one is on its way, read again every 2 seconds. */
export function useDeliveries(webhookId: string) {
  return useQuery({
    queryKey: keys.webhooks.deliveries(webhookId),
    queryFn: () =>
      unwrap(
        api.GET("/admin/webhooks/{webhook_id}/deliveries", {
          params: { path: { webhook_id: webhookId }, query: { limit: 10 } },
        }),
      ),
    refetchInterval: (query) =>
      query.state.data?.items.some((item) => item.status === "pending") ? 2000 : false,
  });
}

/** The stock of the products shown, in one request (GET /inventory?product_id=...). */
export function useStockOf(productIds: string[]) {
  return useQuery({
    queryKey: keys.inventory.levels(productIds),
    queryFn: () => unwrap(api.GET("/inventory", { params: { query: { product_id: productIds } } })),
    enabled: productIds.length > 0,
    select: (page) => new Map(page.items.map((level) => [level.product_id, level.stock])),
  });
}

export function useUsers(prefix: string, cursor: string | null) {
  return useQuery({
    queryKey: keys.users.page(prefix, cursor),
    queryFn: () =>
      unwrap(
        api.GET("/admin/users", {
          params: { query: { limit: 20, email: prefix || undefined, cursor: cursor ?? undefined } },
        }),
      ),
  });
}

export function useChangeRole(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (role: User["role"]) =>
      unwrap(api.PATCH("/admin/users/{user_id}/role", { params: { path: { user_id: userId } }, body: { role } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.users.all }),
  });
}

export function useDeleteUser(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/admin/users/{user_id}", { params: { path: { user_id: userId } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.users.all }),
  });
}

/** The product being edited and its ETag: the latest, not a copy a cache kept (the edit
 * is checked against it), loaded once; `refetch` reloads it. */
export function useEditedProduct(productId: string | undefined) {
  return useQuery({
    queryKey: keys.editedProduct(productId ?? ""),
    queryFn: () =>
      unwrapWithEtag(
        api.GET("/products/{product_id}", {
          params: { path: { product_id: productId ?? "" } },
          cache: "no-cache",
        }),
      ),
    enabled: Boolean(productId),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

type ProductFields = Omit<Schemas["ProductCreate"], "stock" | "options" | "variants">;
export type OptionSpec = Schemas["OptionSpec"];
export type VariantDraft = Schemas["VariantCreate"];

/** Every listing, product page and category count shows the product anew. */
function useCatalogChanged() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: keys.products.all });
    void queryClient.invalidateQueries({ queryKey: keys.categories });
  };
}

export interface Saved {
  saved: Product;
  etag: string; // empty when a photo was added since: the product is read again
  photoError: unknown;
}

/** Create a product (with its photo, if one is given: uploaded once it exists), or save
 * an edit on the condition that the product is still the version loaded (`etag`). */
export function useSaveProduct(productId: string | undefined) {
  const queryClient = useQueryClient();
  const catalogChanged = useCatalogChanged();
  return useMutation({
    mutationFn: async (input: {
      fields: ProductFields;
      stock: number;
      photo: File | null;
      etag: string;
      /** A new product with options: its variants (each with its own SKU, price, stock). */
      options?: OptionSpec[];
      variants?: VariantDraft[];
    }): Promise<Saved> => {
      if (!productId) {
        const variants = input.variants ?? [];
        const body =
          variants.length > 0
            ? { ...input.fields, price: null, sku: null, stock: 0, options: input.options ?? [], variants }
            : { ...input.fields, stock: input.stock, options: [], variants: [] };
        const [created, etag] = await unwrapWithEtag(api.POST("/products", { body }));
        if (!input.photo) return { saved: created, etag, photoError: null };
        try {
          return { saved: await uploadImage(created.id, input.photo), etag: "", photoError: null };
        } catch (error) {
          return { saved: created, etag, photoError: error };
        }
      }
      const [saved, etag] = await unwrapWithEtag(
        api.PATCH("/products/{product_id}", {
          params: { path: { product_id: productId } },
          headers: { "If-Match": input.etag },
          body: input.fields,
        }),
      );
      return { saved, etag, photoError: null };
    },
    onSuccess: ({ saved, etag }) => {
      catalogChanged();
      if (etag) queryClient.setQueryData(keys.editedProduct(saved.id), [saved, etag]);
      else void queryClient.invalidateQueries({ queryKey: keys.editedProduct(saved.id) });
    },
  });
}

export function useDeleteProduct(productId: string) {
  const catalogChanged = useCatalogChanged();
  return useMutation({
    mutationFn: () =>
      unwrap(api.DELETE("/products/{product_id}", { params: { path: { product_id: productId } } })),
    onSuccess: catalogChanged,
  });
}

export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

function refused(detail: string): ApiProblem {
  const problem = { status: 422, code: "image_invalid", title: "Image refused", type: "", detail };
  return new ApiProblem(toProblem(problem, 422));
}

/** Ticket from the API, upload straight to S3, confirmation (the API checks the file). */
function isImageType(type: string): type is (typeof IMAGE_TYPES)[number] {
  return (IMAGE_TYPES as readonly string[]).includes(type);
}

async function uploadImage(productId: string, file: File): Promise<Product> {
  const contentType = file.type;
  if (!isImageType(contentType)) throw refused("Choose a JPEG, PNG or WebP image.");
  if (file.size > MAX_IMAGE_BYTES) throw refused("The image is larger than 5 MB.");
  const path = { product_id: productId };
  const ticket = await unwrap(
    api.POST("/products/{product_id}/image-upload", {
      params: { path },
      body: { content_type: contentType, content_length: file.size },
    }),
  );
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
  form.append("file", file); // S3 wants the file last
  const stored = await fetch(ticket.url, { method: "POST", body: form });
  if (!stored.ok) throw new ApiProblem(toProblem(null, stored.status));
  return unwrap(
    api.PUT("/products/{product_id}/image", { params: { path }, body: { upload_key: ticket.upload_key } }),
  );
}

export function useUploadImage(productId: string) {
  const catalogChanged = useCatalogChanged();
  return useMutation({ mutationFn: (file: File) => uploadImage(productId, file), onSuccess: catalogChanged });
}

export function useRemoveImage(productId: string) {
  const catalogChanged = useCatalogChanged();
  return useMutation({
    mutationFn: () =>
      unwrap(api.DELETE("/products/{product_id}/image", { params: { path: { product_id: productId } } })),
    onSuccess: catalogChanged,
  });
}

/** Start a CSV export of the whole catalog (a job: it runs off the request). */
export function useStartExport() {
  return useMutation({
    mutationFn: () => unwrap(api.POST("/admin/exports")),
  });
}

/** An export's progress, read every second until it is done (or failed). */
export function useExport(exportId: string | null) {
  return useQuery({
    queryKey: keys.exports(exportId ?? ""),
    queryFn: () =>
      unwrap(api.GET("/admin/exports/{export_id}", { params: { path: { export_id: exportId ?? "" } } })),
    enabled: exportId !== null,
    refetchInterval: (query) =>
      query.state.data && ["done", "failed"].includes(query.state.data.status) ? false : 1000,
  });
}

export type Import = Schemas["Import"];
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

/** An import: a job for the file, the file straight to S3 (presigned POST), then its start. */
async function startImport({ file, dryRun }: { file: File; dryRun: boolean }): Promise<Import> {
  if (file.size > MAX_IMPORT_BYTES) {
    const problem = { status: 422, code: "import_too_large", title: "File too large", type: "" };
    throw new ApiProblem(toProblem({ ...problem, detail: "The file is larger than 100 MB." }, 422));
  }
  const created = await unwrap(api.POST("/admin/imports", { body: { dry_run: dryRun } }));
  const form = new FormData();
  for (const [name, value] of Object.entries(created.upload.fields)) form.append(name, value);
  form.append("file", file); // S3 wants the file last
  const stored = await fetch(created.upload.url, { method: "POST", body: form });
  if (!stored.ok) throw new ApiProblem(toProblem(null, stored.status));
  return unwrap(api.POST("/admin/imports/{import_id}/start", { params: { path: { import_id: created.id } } }));
}

export function useStartImport() {
  return useMutation({ mutationFn: startImport });
}

/** An import's progress and report, read every second until it ends; the catalog is read
 * again once it has. */
export function useImport(importId: string | null) {
  const catalogChanged = useCatalogChanged();
  const query = useQuery({
    queryKey: keys.imports(importId ?? ""),
    queryFn: () =>
      unwrap(api.GET("/admin/imports/{import_id}", { params: { path: { import_id: importId ?? "" } } })),
    enabled: importId !== null,
    refetchInterval: (query) =>
      query.state.data && ["done", "failed"].includes(query.state.data.status) ? false : 1000,
  });
  const wrote = query.data?.status === "done" && !query.data.dry_run;
  useEffect(() => {
    if (wrote) catalogChanged();
  }, [wrote]);
  return query;
}

/** A variant's SKU and price (If-Match of the product), then its stock if it changed. */
export function useSaveVariant(productId: string) {
  const queryClient = useQueryClient();
  const catalogChanged = useCatalogChanged();
  return useMutation({
    mutationFn: async (input: {
      variantId: string;
      sku: string | null;
      price: string;
      stock: number | null;
      etag: string;
    }): Promise<Saved> => {
      const path = { product_id: productId, variant_id: input.variantId };
      const [saved, etag] = await unwrapWithEtag(
        api.PATCH("/products/{product_id}/variants/{variant_id}", {
          params: { path },
          headers: { "If-Match": input.etag },
          body: { sku: input.sku, price: input.price },
        }),
      );
      if (input.stock !== null) {
        await unwrap(
          api.PUT("/inventory/{product_id}/variants/{variant_id}", {
            params: { path },
            body: { stock: input.stock, reason: "count in the editor" },
          }),
        );
      }
      return { saved, etag, photoError: null };
    },
    onSuccess: ({ saved }) => {
      catalogChanged();
      void queryClient.invalidateQueries({ queryKey: keys.editedProduct(saved.id) });
    },
  });
}
