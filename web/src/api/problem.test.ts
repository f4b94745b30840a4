import { describe, expect, it } from "vitest";

import {
  ApiProblem,
  describeProblem,
  fieldErrors,
  humanize,
  type Problem,
  shortageMessages,
  toProblem,
} from "./problem";

const problem = (fields: Partial<Problem>): Problem => ({
  type: "/problems/x",
  title: "Bad",
  status: 400,
  detail: "Something is off.",
  code: "bad_request",
  ...fields,
});

describe("problems in words", () => {
  it("puts validation errors next to their fields, in plain words", () => {
    const validation = problem({
      status: 422,
      code: "validation_error",
      errors: [
        { field: "password", location: "body", message: "String should have at least 8 characters", type: "string_too_short" },
        { field: "email", location: "body", message: "An email address must have an @-sign.", type: "value_error" },
        { field: "items.0.quantity", location: "body", message: "Input should be greater than 0", type: "greater_than" },
      ],
    });
    expect(fieldErrors(validation)).toEqual({
      password: "Too short: use at least 8 characters.",
      email: "An email address must have an @-sign.",
      quantity: "Enter more than 0.",
    });
    expect(describeProblem(new ApiProblem(validation))).toBe("Password: Too short: use at least 8 characters.");
  });

  it("never shows a validator's own words for a price", () => {
    for (const type of ["decimal_parsing", "decimal_type"]) {
      expect(humanize({ type, message: "Input should be a valid decimal" })).toBe("Enter a number, like 19.99.");
    }
    expect(humanize({ type: "decimal_max_places", message: "Decimal input should have no more than 2 decimal places" })).toBe(
      "Use at most 2 decimals.",
    );
    expect(humanize({ type: "missing", message: "Field required" })).toBe("Required.");
  });

  it("names the retry delay of a throttled log-in", () => {
    const throttled = new ApiProblem(problem({ status: 429, code: "too_many_requests" }), 600);
    expect(describeProblem(throttled)).toBe("Too many attempts. Try again in 10 minutes.");
    expect(describeProblem(new ApiProblem(problem({ status: 429, code: "too_many_requests" }), 20))).toBe(
      "Too many attempts. Try again in a minute.",
    );
  });

  it("explains a stale edit as somebody else's change", () => {
    const stale = new ApiProblem(problem({ status: 412, code: "precondition_failed" }));
    expect(describeProblem(stale)).toMatch(/changed by someone else/);
  });

  it("asks to try again, not to reload, when something is too busy to change", () => {
    const busy = new ApiProblem(problem({ status: 503, code: "contention" }));
    expect(describeProblem(busy)).toMatch(/Try again in a moment: nothing was saved/);
  });

  it("says per line what is short", () => {
    const short = problem({
      status: 409,
      code: "insufficient_stock",
      shortages: [
        { product_id: "a", requested: 5, available: 2 },
        { product_id: "b", requested: 1, available: 0 },
      ],
    });
    expect(shortageMessages(short, { a: "Anvil", b: "Bolt" })).toEqual({
      a: "Only 2 of Anvil left; you asked for 5.",
      b: "Bolt is sold out.",
    });
  });

  it("never shows a server's internals, and copes with bodies that are not problems", () => {
    expect(describeProblem(new ApiProblem(toProblem("<html>Bad gateway</html>", 502)))).toBe(
      "The service is having trouble right now. Please try again in a moment.",
    );
    expect(describeProblem(new TypeError("Failed to fetch"))).toMatch(/could not be reached/);
    expect(describeProblem(new ApiProblem(problem({ code: "sku_taken", status: 409, detail: "SKU X is already in use." })))).toBe(
      "SKU X is already in use.",
    );
  });
});
