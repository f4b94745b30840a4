/**
 * Every query key of the app, in one factory: a feature's hooks (features/<name>/api.ts)
 * build their keys here, and so does anything that invalidates another feature's data
 * (a cancelled order puts stock back: the products' live stock is read again).
 * Keys nest: invalidating `keys.orders.all` reaches every list and every single order.
 */
export const keys = {
  me: ["me"] as const,
  store: (slug: string | null) => ["store", slug] as const,
  categories: ["categories"] as const,
  products: {
    all: ["products"] as const,
    page: (params: { q?: string; category?: string; status?: string; cursor: string | null }, fresh: boolean) =>
      ["products", "page", params, fresh] as const,
    live: (productId: string) => ["products", "live", productId] as const,
  },
  /** The product an admin edits: apart from the rest, so that a change elsewhere does not
   * reload it under the form (it is reloaded when the admin asks). */
  editedProduct: (productId: string) => ["edited-product", productId] as const,
  orders: {
    all: ["orders"] as const,
    mine: (cursor: string | null) => ["orders", "mine", cursor] as const,
    store: (status: string, cursor: string | null) => ["orders", "store", status, cursor] as const,
    one: (orderId: string) => ["orders", "one", orderId] as const,
  },
  inventory: {
    all: ["inventory"] as const,
    levels: (productIds: string[]) => ["inventory", "levels", productIds] as const,
    lowStock: (threshold: number | null, cursor: string | null) =>
      ["inventory", "low-stock", threshold, cursor] as const,
    product: (productId: string) => ["inventory", "product", productId] as const,
    level: (productId: string) => ["inventory", "product", productId, "level"] as const,
    movements: (productId: string, cursor: string | null) =>
      ["inventory", "product", productId, "movements", cursor] as const,
  },
  audit: (entity: string, cursor: string | null) => ["audit", entity, cursor] as const,
  exports: (exportId: string) => ["exports", exportId] as const,
  imports: (importId: string) => ["imports", importId] as const,
  webhooks: {
    all: ["webhooks"] as const,
    deliveries: (webhookId: string) => ["webhooks", "deliveries", webhookId] as const,
  },
  users: {
    all: ["users"] as const,
    page: (prefix: string, cursor: string | null) => ["users", "page", prefix, cursor] as const,
  },
};
