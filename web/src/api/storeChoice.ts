/**
 * Which store the app talks to when the host name does not say (development, or one
 * deployment reached by its CloudFront address): opening the app with `?store=<slug>`
 * makes every API call carry `X-Store: <slug>` for the rest of the tab's session;
 * `?store=` (empty) goes back to the host's (or the default) store.
 */
const KEY = "catalog.store";
const SLUG = /^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$/;

export function rememberStoreFrom(search: string, storage: Storage = sessionStorage): void {
  const params = new URLSearchParams(search);
  if (!params.has("store")) return;
  const slug = params.get("store") ?? "";
  if (SLUG.test(slug)) storage.setItem(KEY, slug);
  else storage.removeItem(KEY);
}

export function chosenStore(storage: Storage = sessionStorage): string | null {
  return storage.getItem(KEY);
}
