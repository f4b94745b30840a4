import { useState } from "react";

import { ProblemMessage } from "../../components/ui";
import { useExport, useStartExport } from "./api";

/** "Export CSV": the whole catalog and its stock, made by a job; a download link when done. */
export function ExportButton() {
  const [exportId, setExportId] = useState<string | null>(null);
  const start = useStartExport();
  const progress = useExport(exportId);
  const job = progress.data;
  const running = exportId !== null && (!job || job.status === "queued" || job.status === "running");
  return (
    <div className="inline-form" aria-live="polite">
      <button
        type="button"
        className="button secondary"
        disabled={start.isPending || running}
        onClick={() => start.mutate(undefined, { onSuccess: (started) => setExportId(started.id) })}
      >
        Export CSV
      </button>
      {running && <span className="muted">Exporting… {job?.rows ?? 0} products so far</span>}
      {job?.status === "done" && job.url && (
        <a href={job.url} download>
          Download the CSV ({job.rows} products)
        </a>
      )}
      {job?.status === "failed" && <span className="problem">The export failed; try again.</span>}
      <ProblemMessage error={start.error ?? progress.error} />
    </div>
  );
}
