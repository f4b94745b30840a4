import { Empty, ErrorState, Loading, Pager } from "../../components/ui";
import { when } from "../../lib/format";
import { useCursorPages } from "../../lib/useCursorPages";
import { useSearchParam } from "../../lib/useSearchParam";
import { usePageTitle } from "../../lib/usePageTitle";
import { AdminNav } from "./AdminNav";
import { type AuditEntity, useAudit } from "./api";

const ENTITIES: AuditEntity[] = ["product", "stock", "order", "user", "store", "webhook"];

/** A change's before and after, in a line: "name: Lamp → Desk Lamp". */
function change(before: Record<string, unknown> | null, after: Record<string, unknown> | null) {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  if (fields.length > 4) return after ? "created" : "removed";
  const show = (value: unknown) =>
    value === undefined || value === null ? "–" : Array.isArray(value) ? value.join(", ") : String(value);
  return fields
    .map((field) =>
      before ? `${field}: ${show(before[field])} → ${show(after?.[field])}` : `${field}: ${show(after?.[field])}`,
    )
    .join("; ");
}

function who(actor: Record<string, unknown>) {
  if (actor.system) return "the service";
  return String(actor.email ?? actor.id ?? "someone removed since");
}

export default function AuditPage() {
  usePageTitle("Audit");
  const [asked, setEntity] = useSearchParam("entity");
  const entity: AuditEntity = ENTITIES.includes(asked as AuditEntity) ? (asked as AuditEntity) : "";
  const pages = useCursorPages(`audit|${entity}`);
  const audit = useAudit(entity, pages.cursor);
  return (
    <section>
      <AdminNav />
      <h1>Audit</h1>
      <p className="muted">Who changed what in this store, newest first.</p>
      <div className="inline-form">
        <label htmlFor="audit-entity">Show</label>
        <select id="audit-entity" value={entity} onChange={(event) => setEntity(event.target.value)}>
          <option value="">Everything</option>
          <option value="product">Products</option>
          <option value="stock">Stock</option>
          <option value="order">Orders</option>
          <option value="user">People</option>
          <option value="store">Store settings</option>
          <option value="webhook">Webhooks</option>
        </select>
      </div>
      {audit.isPending ? (
        <Loading label="Loading the audit log…" />
      ) : audit.isError ? (
        <ErrorState error={audit.error} onRetry={() => audit.refetch()} />
      ) : audit.data.items.length === 0 ? (
        <Empty>
          <p>Nothing recorded{entity ? ` for ${entity}` : ""} yet.</p>
        </Empty>
      ) : (
        <>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.items.map((entry) => (
                <tr key={entry.event_id}>
                  <td>{when(entry.at)}</td>
                  <td>{who(entry.actor)}</td>
                  <td>
                    {entry.entity} {entry.action} <span className="muted">{entry.entity_id.slice(0, 8)}</span>
                  </td>
                  <td>{change(entry.before ?? null, entry.after ?? null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager pages={pages} nextCursor={audit.data.next_cursor} />
        </>
      )}
    </section>
  );
}
