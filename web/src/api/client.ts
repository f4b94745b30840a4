/**
 * The one way the web app talks to the API: openapi-fetch with the types generated from
 * the service's own OpenAPI document (schema.d.ts, `make web-client`). No endpoint has a
 * hand-written wrapper; `unwrap` turns any failure into an ApiProblem.
 */
import createClient, { type Middleware } from "openapi-fetch";

import { freshSession, saveSession } from "../features/auth/session";
import { ApiProblem, toProblem } from "./problem";
import { chosenStore } from "./storeChoice";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Product = Schemas["Product"];
/** A product as listings show it: availability, not the live stock level. */
export type ProductSummary = Schemas["ProductSummary"];
export type Order = Schemas["Order"];
export type User = Schemas["User"];

/**
 * Catalog reads are the same for everyone: sent without a token, CloudFront keeps one copy
 * for all shoppers for a few seconds (the API marks them `public, max-age`), instead of one
 * per logged-in user. A read that asks for the latest (`cache: "no-cache"`, e.g. an admin
 * loading a product to edit) keeps its token, and the API answers it `private, no-cache`.
 * (`no-store` is not such a read: the live stock poll uses it to make its own conditional
 * request, and is shared like any other.)
 */
export function isSharedRead(method: string, url: string, cache: RequestCache = "default"): boolean {
  const path = new URL(url, "http://x").pathname;
  return (
    (method === "GET" || method === "HEAD") &&
    cache !== "no-cache" &&
    cache !== "reload" &&
    (path === "/products" || path === "/categories" || /^\/products\/[^/]+$/.test(path))
  );
}

const storeChoice: Middleware = {
  onRequest({ request }) {
    const store = chosenStore();
    if (store) request.headers.set("X-Store", store);
    return request;
  },
};

const authentication: Middleware = {
  async onRequest({ request }) {
    if (isSharedRead(request.method, request.url, request.cache)) return request;
    const session = await freshSession();
    if (session) request.headers.set("Authorization", `Bearer ${session.accessToken}`);
    return request;
  },
  async onResponse({ request, response }) {
    // a session that ended elsewhere (log-out in another tab, password changed, account
    // removed) -- but not a wrong current password, which is a 401 of its own
    if (response.status === 401 && request.headers.has("Authorization")) {
      const problem = await response
        .clone()
        .json()
        .catch(() => null);
      if (problem?.code !== "wrong_password") saveSession(null);
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(storeChoice, authentication);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function retryAfter(response: Response): number | null {
  const value = Number(response.headers.get("Retry-After"));
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** The data of a successful answer; an ApiProblem for any other. */
export async function unwrap<T>(answer: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await answer;
  if (!response.ok) {
    throw new ApiProblem(toProblem(error, response.status), retryAfter(response));
  }
  return data as T;
}

/** The data and the ETag of a successful answer (for If-Match on the next edit). */
export async function unwrapWithEtag<T>(answer: Promise<Answer<T>>): Promise<[T, string]> {
  const resolved = await answer;
  const data = await unwrap(Promise.resolve(resolved));
  return [data, resolved.response.headers.get("ETag") ?? ""];
}
