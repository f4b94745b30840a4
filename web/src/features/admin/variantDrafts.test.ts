import { describe, expect, it } from "vitest";

import { combinations, optionSpecs, rowLabel } from "./variantDrafts";

describe("variant drafts", () => {
  it("reads options as typed, without blanks or repeats", () => {
    expect(
      optionSpecs([
        { name: " Size ", values: "S, M, , M,L" },
        { name: "", values: "x" },
        { name: "Colour", values: "" },
      ]),
    ).toEqual([{ name: "Size", values: ["S", "M", "L"] }]);
  });

  it("makes every combination and keeps what was typed for those seen before", () => {
    const options = [
      { name: "Size", values: ["S", "M"] },
      { name: "Colour", values: ["Blue", "Red"] },
    ];
    const first = combinations(options.slice(0, 1), []);
    expect(first.map((row) => rowLabel(options.slice(0, 1), row))).toEqual(["S", "M"]);
    const typed = combinations(options, []).map((row, n) => ({ ...row, sku: `SKU-${n}` }));
    const again = combinations([options[0]!, { name: "Colour", values: ["Blue", "Red", "Green"] }], typed);
    expect(again.map((row) => [rowLabel(options, row), row.sku])).toEqual([
      ["S / Blue", "SKU-0"],
      ["S / Red", "SKU-1"],
      ["S / Green", ""],
      ["M / Blue", "SKU-2"],
      ["M / Red", "SKU-3"],
      ["M / Green", ""],
    ]);
  });
});
