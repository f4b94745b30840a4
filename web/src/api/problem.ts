/**
 * RFC 9457 problem details, as every error of the API comes, turned into words people read.
 * Pure functions: unit-tested in problem.test.ts.
 */

export interface FieldError {
  field: string;
  location: string;
  message: string;
  type: string;
}

export interface Shortage {
  product_id: string;
  requested: number;
  available: number;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  shortages?: Shortage[];
  [extension: string]: unknown;
}

/** An API answer that was not a success; `retryAfter` is in seconds when the API gave one. */
export class ApiProblem extends Error {
  readonly problem: Problem;
  readonly retryAfter: number | null;

  constructor(problem: Problem, retryAfter: number | null = null) {
    super(problem.detail || problem.title);
    this.name = "ApiProblem";
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string {
    return this.problem.code;
  }
}

function isProblem(body: unknown): body is Problem {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as Problem).status === "number" &&
    typeof (body as Problem).code === "string"
  );
}

/** Whatever a failed response carried, as a problem (a proxy's HTML page included). */
export function toProblem(body: unknown, status: number): Problem {
  if (isProblem(body)) return body;
  return {
    type: "about:blank",
    title: status >= 500 ? "Service unavailable" : "Request failed",
    status,
    detail: "",
    code: status >= 500 ? "service_unavailable" : `http_${status}`,
  };
}

const FIELD_LABELS: Record<string, string> = {
  email: "E-mail",
  password: "Password",
  name: "Name",
  price: "Price",
  currency: "Currency",
  category: "Category",
  tags: "Tags",
  sku: "SKU",
  stock: "Stock",
  delta: "Change",
  reason: "Reason",
  description: "Description",
  quantity: "Quantity",
  new_password: "New password",
  current_password: "Current password",
  token: "Link",
};

/** The form field a validation error is about ("body.price" and "price" alike). */
function fieldOf(error: FieldError): string {
  const parts = error.field.split(".").filter((part) => part !== "body" && !/^\d+$/.test(part));
  return parts[parts.length - 1] ?? error.field;
}

/** pydantic's messages, made to read as advice ("String should have at least 8 characters"). */
function humanize(message: string): string {
  const cleaned = message.replace(/^Value error, /, "").replace(/^String should/, "Should");
  return cleaned.charAt(0).toUpperCase() + cleaned.slice(1);
}

/** Validation errors by field name, ready to show next to each input. */
export function fieldErrors(problem: Problem | null | undefined): Record<string, string> {
  const found: Record<string, string> = {};
  for (const error of problem?.errors ?? []) {
    const field = fieldOf(error);
    found[field] ??= humanize(error.message);
  }
  return found;
}

function minutes(seconds: number): string {
  const count = Math.max(1, Math.ceil(seconds / 60));
  return count === 1 ? "a minute" : `${count} minutes`;
}

/** One sentence for the whole problem, in the words of the action it concerns. */
export function describeProblem(error: unknown): string {
  if (!(error instanceof ApiProblem)) {
    return "The service could not be reached. Check your connection and try again.";
  }
  const { problem, retryAfter } = error;
  switch (problem.code) {
    case "validation_error": {
      const first = problem.errors?.[0];
      if (!first) return "Some of what you entered is not valid.";
      const label = FIELD_LABELS[fieldOf(first)] ?? fieldOf(first);
      return `${label}: ${humanize(first.message)}`;
    }
    case "unauthorized":
      return problem.detail || "Please log in.";
    case "wrong_password":
      return "That is not your current password.";
    case "invalid_token":
      return "This link has expired or was already used. Ask for a new one.";
    case "forbidden":
      return "Your account is not allowed to do this.";
    case "precondition_failed":
      return "This was changed by someone else while you were editing. Reload to see the latest version.";
    case "insufficient_stock":
      return "Some items are no longer available in the quantity you asked for.";
    case "too_many_requests":
      return retryAfter
        ? `Too many attempts. Try again in ${minutes(retryAfter)}.`
        : "Too many attempts. Try again later.";
    case "outcome_unknown":
      return "We could not confirm your order. Try again: you will not be charged twice.";
    default:
      if (problem.status >= 500) {
        return "The service is having trouble right now. Please try again in a moment.";
      }
      return problem.detail || problem.title;
  }
}

/** Per cart line, what a 409 "not enough stock" means for it. */
export function shortageMessages(
  problem: Problem | null | undefined,
  names: Record<string, string>,
): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const shortage of problem?.shortages ?? []) {
    const name = names[shortage.product_id] ?? "This product";
    messages[shortage.product_id] =
      shortage.available === 0
        ? `${name} is sold out.`
        : `Only ${shortage.available} of ${name} left; you asked for ${shortage.requested}.`;
  }
  return messages;
}
