import type { Schemas } from "../../api/client";

type Problem = Schemas["ImportProblem"];

/** An import's report as a CSV of its own, to fix the file by: row, column, message. */
export function reportCsv(problems: Problem[]): string {
  const cell = (value: string | number) => {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = problems.map((p) => [p.row, p.column, p.message].map(cell).join(","));
  return `${["row,column,message", ...lines].join("\r\n")}\r\n`;
}
