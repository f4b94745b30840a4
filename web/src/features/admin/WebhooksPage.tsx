import { type FormEvent, useState } from "react";

import type { Schemas } from "../../api/client";
import { ApiProblem } from "../../api/problem";
import { Empty, ErrorState, Field, Loading, ProblemMessage } from "../../components/ui";
import { when } from "../../lib/format";
import { usePageTitle } from "../../lib/usePageTitle";
import { AdminNav } from "./AdminNav";
import {
  useCreateWebhook,
  useDeleteWebhook,
  useDeliveries,
  useSendTestEvent,
  useWebhooks,
  type WebhookEvent,
} from "./api";

const EVENTS: { value: WebhookEvent; label: string }[] = [
  { value: "OrderPlaced", label: "Order placed" },
  { value: "OrderCancelled", label: "Order cancelled" },
  { value: "ProductCreated", label: "Product created" },
  { value: "ProductUpdated", label: "Product updated" },
  { value: "ProductDeleted", label: "Product deleted" },
  { value: "StockChanged", label: "Stock changed" },
  { value: "StockLow", label: "Stock low" },
  { value: "StockOut", label: "Sold out" },
  { value: "StockBackIn", label: "Back in stock" },
  { value: "ImportFinished", label: "Import finished" },
];

/** Field errors of a 422, by field (the URL's checks come back this way). */
function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiProblem)) return undefined;
  return error.problem.errors?.find((item) => item.field === field)?.message;
}

function NewWebhookForm({ onCreated }: { onCreated: (created: Schemas["WebhookCreated"]) => void }) {
  const create = useCreateWebhook();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>(["OrderPlaced"]);
  const toggle = (value: WebhookEvent) =>
    setEvents((now) => (now.includes(value) ? now.filter((e) => e !== value) : [...now, value]));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { url: url.trim(), events },
      {
        onSuccess: (created) => {
          setUrl("");
          onCreated(created);
        },
      },
    );
  };
  const urlError = fieldError(create.error, "url");
  return (
    <form onSubmit={submit} className="stack" aria-label="Add a webhook">
      <h2>Add a webhook</h2>
      <Field label="URL" hint="An https address that accepts POSTs." error={urlError}>
        {(props) => (
          <input
            {...props}
            type="url"
            required
            maxLength={2048}
            placeholder="https://example.com/hooks/catalog"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
          />
        )}
      </Field>
      <fieldset className="checkboxes">
        <legend>Events to send</legend>
        {EVENTS.map((item) => (
          <label key={item.value}>
            <input type="checkbox" checked={events.includes(item.value)} onChange={() => toggle(item.value)} />{" "}
            {item.label}
          </label>
        ))}
      </fieldset>
      {!urlError && <ProblemMessage error={create.error} />}
      <button type="submit" className="button" disabled={create.isPending || events.length === 0}>
        Add webhook
      </button>
    </form>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const deliveries = useDeliveries(webhookId);
  if (deliveries.isPending) return <Loading label="Loading deliveries…" />;
  if (deliveries.isError) return <ErrorState error={deliveries.error} onRetry={() => deliveries.refetch()} />;
  if (deliveries.data.items.length === 0) return <p className="muted">Nothing sent yet.</p>;
  return (
    <table className="table" aria-label="Deliveries">
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Answer</th>
          <th scope="col">When</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.data.items.map((item) => (
          <tr key={item.event_id}>
            <td data-label="Event">{item.detail_type}</td>
            <td data-label="Status">
              {item.status}
              {item.next_attempt_at ? ` (next try ${when(item.next_attempt_at)})` : ""}
            </td>
            <td data-label="Attempts">{item.attempts}</td>
            <td data-label="Answer">{item.last_status_code ?? item.last_error ?? "–"}</td>
            <td data-label="When">{when(item.at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WebhookCard({ webhook }: { webhook: Schemas["Webhook"] }) {
  const [confirming, setConfirming] = useState(false);
  const [open, setOpen] = useState(false);
  const test = useSendTestEvent(webhook.id);
  const remove = useDeleteWebhook(webhook.id);
  return (
    <li className="card stack">
      <p>
        <strong className="break">{webhook.url}</strong>
        <br />
        <span className="muted">
          {webhook.events.join(", ")} · added {when(webhook.created_at)}
        </span>
      </p>
      <div className="inline-form">
        <button
          type="button"
          className="button secondary small"
          onClick={() => test.mutate(undefined, { onSuccess: () => setOpen(true) })}
          disabled={test.isPending}
        >
          Send a test event
        </button>
        <button
          type="button"
          className="button secondary small"
          aria-expanded={open}
          onClick={() => setOpen((now) => !now)}
        >
          {open ? "Hide deliveries" : "Deliveries"}
        </button>
        {confirming ? (
          <span role="group" aria-label={`Remove ${webhook.url}?`} className="inline-confirm">
            <button type="button" className="button danger small" onClick={() => remove.mutate()} disabled={remove.isPending}>
              Yes, remove
            </button>
            <button type="button" className="button secondary small" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" className="button link" onClick={() => setConfirming(true)}>
            Remove
          </button>
        )}
      </div>
      <ProblemMessage error={test.error ?? remove.error} />
      {open && <Deliveries webhookId={webhook.id} />}
    </li>
  );
}

export default function WebhooksPage() {
  usePageTitle("Webhooks");
  const webhooks = useWebhooks();
  const [created, setCreated] = useState<Schemas["WebhookCreated"] | null>(null);
  return (
    <section>
      <AdminNav />
      <h1>Webhooks</h1>
      <p className="muted">
        The store's events, POSTed as they happen to the addresses below, signed with each webhook's secret
        (<code>Catalog-Signature</code>) and retried for 24 hours until the receiver answers 2xx.
      </p>
      {created && (
        <div className="notice success" role="status">
          <p>
            Webhook added. Its signing secret, shown this once (keep it with the receiver):
          </p>
          <p>
            <code className="break" aria-label="Signing secret">
              {created.secret}
            </code>
          </p>
          <button type="button" className="button secondary small" onClick={() => setCreated(null)}>
            I have kept it
          </button>
        </div>
      )}
      {webhooks.isPending ? (
        <Loading label="Loading webhooks…" />
      ) : webhooks.isError ? (
        <ErrorState error={webhooks.error} onRetry={() => webhooks.refetch()} />
      ) : webhooks.data.items.length === 0 ? (
        <Empty>
          <p>No webhooks yet.</p>
        </Empty>
      ) : (
        <ul className="cards" aria-label="Webhooks">
          {webhooks.data.items.map((webhook) => (
            <WebhookCard key={webhook.id} webhook={webhook} />
          ))}
        </ul>
      )}
      <NewWebhookForm onCreated={setCreated} />
    </section>
  );
}
