/** Small building blocks every page uses: states, fields, pager. */
import { type FormEvent, type ReactNode, useEffect, useId, useState } from "react";

import { describeProblem } from "../api/problem";
import type { CursorPages } from "../lib/useCursorPages";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p>{describeProblem(error)}</p>
      {onRetry && (
        <button type="button" className="button secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A problem next to the action it concerns (polite: it follows what the user just did). */
export function ProblemMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="problem" role="alert">
      {describeProblem(error)}
    </p>
  );
}

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (props: {
    id: string;
    "aria-invalid": boolean;
    "aria-describedby": string | undefined;
  }) => ReactNode;
}

/** A labelled control with its hint and its error, wired for assistive technology. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean);
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        "aria-invalid": Boolean(error),
        "aria-describedby": described.length ? described.join(" ") : undefined,
      })}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Cursor pages: the API only goes forward, so "back" walks the cursors seen so far. */
export function Pager({ pages, nextCursor }: { pages: CursorPages; nextCursor: string | null | undefined }) {
  if (!pages.hasPrevious && !nextCursor) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="button secondary" disabled={!pages.hasPrevious} onClick={pages.previous}>
        Previous page
      </button>
      <span className="pager-page" aria-current="page">
        Page {pages.page}
      </span>
      <button
        type="button"
        className="button secondary"
        disabled={!nextCursor}
        onClick={() => nextCursor && pages.next(nextCursor)}
      >
        Next page
      </button>
    </nav>
  );
}

/** A search box that applies what was typed when submitted (Enter or its button). */
export function SearchForm({
  label,
  initial,
  onSearch,
  button = "Search",
  labelVisible = false,
  maxLength = 100,
}: {
  label: string;
  initial: string;
  onSearch: (text: string) => void;
  button?: string;
  labelVisible?: boolean;
  maxLength?: number;
}) {
  const id = useId();
  const [text, setText] = useState(initial);
  useEffect(() => setText(initial), [initial]);
  return (
    <form
      role="search"
      className="search"
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSearch(text.trim());
      }}
    >
      <label htmlFor={id} className={labelVisible ? undefined : "visually-hidden"}>
        {label}
      </label>
      <input
        id={id}
        type="search"
        value={text}
        maxLength={maxLength}
        placeholder={labelVisible ? undefined : label}
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit" className="button secondary">
        {button}
      </button>
    </form>
  );
}
