import { describe, expect, it } from "vitest";

import { reportCsv } from "./importReport";

describe("reportCsv", () => {
  it("writes one CRLF line per problem, quoting what CSV needs quoted", () => {
    const csv = reportCsv([
      { row: 4, column: "price", message: "must be a number such as 19.99" },
      { row: 5, column: "sku", message: 'already on row 2, "MUG-1"' },
    ]);
    expect(csv).toBe(
      'row,column,message\r\n4,price,must be a number such as 19.99\r\n5,sku,"already on row 2, ""MUG-1"""\r\n',
    );
  });

  it("is a header alone when nothing is wrong", () => {
    expect(reportCsv([])).toBe("row,column,message\r\n");
  });
});
