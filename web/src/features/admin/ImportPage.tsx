import { type FormEvent, useEffect, useMemo, useState } from "react";

import { ProblemMessage } from "../../components/ui";
import { usePageTitle } from "../../lib/usePageTitle";
import { AdminNav } from "./AdminNav";
import { type Import, useImport, useStartImport } from "./api";
import { reportCsv } from "./importReport";

const COLUMNS =
  "handle, name, description, category, tags, status, option1_name … option3_value, sku, price, currency, stock";

function Progress({ job }: { job: Import }) {
  const total = job.rows_total;
  const ended = job.status === "done" || job.status === "failed";
  return (
    <div aria-live="polite">
      {!ended && (
        <>
          <label htmlFor="import-progress">
            {job.status === "running" && total > 0
              ? `Importing… ${job.rows_done} of ${total} rows`
              : "Checking the file…"}
          </label>
          <progress id="import-progress" max={total || 1} value={total ? job.rows_done : undefined} />
        </>
      )}
      {job.status === "done" && (
        <p role="status">
          {job.dry_run ? "Dry run: nothing was written. The import would have " : "Done: "}
          {job.created} created, {job.updated} updated, {job.unchanged} unchanged, {job.failed} not
          imported, of {total} rows.
        </p>
      )}
      {job.status === "failed" && <p className="problem">The file could not be imported.</p>}
    </div>
  );
}

function Report({ job }: { job: Import }) {
  const download = useMemo(() => URL.createObjectURL(new Blob([reportCsv(job.errors)], { type: "text/csv" })), [job]);
  useEffect(() => () => URL.revokeObjectURL(download), [download]);
  if (job.errors.length === 0) return null;
  return (
    <>
      <h2>Rows to fix</h2>
      <p>
        <a href={download} download={`import-${job.id}-problems.csv`}>
          Download this report (CSV)
        </a>
        {job.failed > job.errors.length && (
          <span className="muted"> · the first {job.errors.length} problems are shown</span>
        )}
      </p>
      <table className="table" aria-label="Problems found in the file">
        <thead>
          <tr>
            <th className="number">Row</th>
            <th>Column</th>
            <th>Problem</th>
          </tr>
        </thead>
        <tbody>
          {job.errors.map((error) => (
            <tr key={`${error.row}|${error.column}|${error.message}`}>
              <td className="number">{error.row}</td>
              <td>{error.column}</td>
              <td>{error.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Import a catalog CSV: upload, an optional dry run, progress, and a report to fix the file by. */
export default function ImportPage() {
  usePageTitle("Import");
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(false);
  const [importId, setImportId] = useState<string | null>(null);
  const start = useStartImport();
  const progress = useImport(importId);
  const job = progress.data;
  const running = importId !== null && (!job || !["done", "failed"].includes(job.status));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setImportId(null);
    start.mutate({ file, dryRun }, { onSuccess: (started) => setImportId(started.id) });
  }

  return (
    <section>
      <AdminNav />
      <h1>Import products</h1>
      <p className="muted">
        A CSV file (UTF-8, up to 100 MB) with a header row: {COLUMNS}. One row per variant: rows
        with the same handle are one product, told apart by their options. A row finds its product
        by SKU, else by handle, and a blank cell leaves a field as it is. Stock is a count. The
        export of this catalog is such a file, and importing it changes nothing.
      </p>
      <form className="stack" onSubmit={submit}>
        <label htmlFor="import-file">CSV file</label>
        <input
          id="import-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
        <label className="checkbox">
          <input type="checkbox" checked={dryRun} onChange={(event) => setDryRun(event.target.checked)} />
          Dry run: check the file and count the changes, write nothing
        </label>
        <div>
          <button type="submit" className="button" disabled={!file || start.isPending || running}>
            {dryRun ? "Check the file" : "Import"}
          </button>
        </div>
      </form>
      {start.isPending && <p aria-live="polite">Uploading…</p>}
      <ProblemMessage error={start.error ?? progress.error} />
      {job && <Progress job={job} />}
      {job && <Report job={job} />}
    </section>
  );
}
