import type { ReactNode } from 'react';
import { ApiError } from '../api';
import type { Loaded } from '../useApi';

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

/** What a fetched value shows: see Async. */
type Phase = 'loading' | 'error' | 'empty' | 'ok';

/**
 * The state to show for a fetched value: an error wins; data shows when loaded (or, with stale, while it
 * reloads: the previous answer stays on screen, e.g. a table that is re-sorted or a run that is polled);
 * empty when isEmpty says so; otherwise loading.
 */
export function phaseOf<T>(data: Loaded<T>, stale = false, isEmpty?: (d: T) => boolean): Phase {
  if (data.state === 'error') return 'error';
  if (data.state === 'loading' && (!stale || data.data === undefined)) return 'loading';
  return isEmpty?.(data.data as T) ? 'empty' : 'ok';
}

interface AsyncProps<T> {
  /** useApi's answer. */
  data: Loaded<T> & { reload?: () => void };
  /** What is loaded, for the error messages ("lead": "Not found: No such lead."). */
  what: string;
  /** What the loading line names (default: what). */
  loading?: string;
  /** Keep the previous data on screen while reloading (children get stale = true). */
  stale?: boolean;
  /** With empty: when the data has nothing to show. */
  isEmpty?: (d: T) => boolean;
  empty?: ReactNode;
  /** An error a caller shows its own way (return undefined for the standard error state). */
  onError?: (error: unknown) => ReactNode | undefined;
  children: (d: T, stale: boolean) => ReactNode;
}

/** The loading, empty, error and loaded states of a fetched value: `<Async data={useApi(...)} what="…">{d => …}</Async>`. */
export function Async<T>({ data, what, loading, stale = false, isEmpty, empty, onError, children }: AsyncProps<T>) {
  switch (phaseOf(data, stale, isEmpty)) {
    case 'loading':
      return <Loading what={loading ?? what} />;
    case 'error': {
      const error = (data as { error: unknown }).error;
      return <>{onError?.(error) ?? <ErrorState error={error} what={what} retry={data.reload} />}</>;
    }
    case 'empty':
      return <Empty>{empty}</Empty>;
    default:
      return <>{children(data.data as T, data.state === 'loading')}</>;
  }
}
