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
  variant_id?: string;
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

/** A field's name as forms label it ("sku" -> "SKU"). */
export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

/** The form field a validation error is about ("body.price" and "price" alike). */
function fieldOf(error: FieldError): string {
  const parts = error.field.split(".").filter((part) => part !== "body" && !/^\d+$/.test(part));
  return parts[parts.length - 1] ?? error.field;
}

function numberIn(message: string): string {
  return /(-?\d+(?:\.\d+)?)/.exec(message)?.[1] ?? "";
}

/** A validator's finding as advice a person can act on: pydantic's "String should have at
 * least 8 characters" becomes "Too short: use at least 8 characters." */
export function humanize(error: Pick<FieldError, "message" | "type">): string {
  const n = numberIn(error.message);
  switch (error.type) {
    case "missing":
      return "Required.";
    case "string_too_short":
      return n === "1" ? "Required." : `Too short: use at least ${n} characters.`;
    case "string_too_long":
      return `Too long: use at most ${n} characters.`;
    case "decimal_parsing":
    case "decimal_type":
    case "float_parsing":
    case "float_type":
      return "Enter a number, like 19.99.";
    case "decimal_max_places":
      return `Use at most ${n} decimals.`;
    case "int_parsing":
    case "int_type":
    case "int_from_float":
      return "Enter a whole number.";
    case "greater_than":
      return `Enter more than ${n}.`;
    case "greater_than_equal":
      return `Enter ${n} or more.`;
    case "less_than":
      return `Enter less than ${n}.`;
    case "less_than_equal":
      return `Enter ${n} or less.`;
    case "string_pattern_mismatch":
      return "Not in the expected form.";
    default: {
      const cleaned = error.message.replace(/^Input should be/, "Should be");
      return cleaned.charAt(0).toUpperCase() + cleaned.slice(1);
    }
  }
}

/** Validation errors by field name, ready to show next to each input. */
export function fieldErrors(problem: Problem | null | undefined): Record<string, string> {
  const found: Record<string, string> = {};
  for (const error of problem?.errors ?? []) {
    const field = fieldOf(error);
    found[field] ??= humanize(error);
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
      const label = fieldLabel(fieldOf(first));
      return `${label}: ${humanize(first)}`;
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
    case "contention":
      return "Many changes are being made to this right now. Try again in a moment: nothing was saved.";
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
    // by the cart's line key: the product's id, or product/variant
    const key = shortage.variant_id ? `${shortage.product_id}/${shortage.variant_id}` : shortage.product_id;
    const name = names[key] ?? "This product";
    messages[key] =
      shortage.available === 0
        ? `${name} is sold out.`
        : `Only ${shortage.available} of ${name} left; you asked for ${shortage.requested}.`;
  }
  return messages;
}
