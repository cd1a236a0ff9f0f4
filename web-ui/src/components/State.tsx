import type { ReactNode } from 'react';
import { ApiError } from '../api';

/** Loading, empty and error states, the same on every page. */
export function Loading({ what }: { what: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

export function ErrorState({ error, what, retry }: { error: unknown; what: string; retry?: () => void }) {
  const e = error instanceof ApiError ? error : null;
  if (e?.status === 403) {
    return (
      <div className="state error" role="alert" data-state="forbidden">
        <h2>Not yours</h2>
        <p>This {what} belongs to someone your API key may not see. {e.detail}</p>
      </div>
    );
  }
  if (e?.status === 404) {
    return (
      <div className="state error" role="alert" data-state="not-found">
        <h2>Not found</h2>
        <p>{e.detail || `No such ${what}.`}</p>
      </div>
    );
  }
  return (
    <div className="state error" role="alert" data-state="error">
      <h2>Could not load {what}</h2>
      <p>{e ? `${e.title}${e.detail ? `: ${e.detail}` : ''}` : String((error as Error)?.message ?? error)}</p>
      {retry && <button type="button" onClick={retry}>Try again</button>}
    </div>
  );
}
