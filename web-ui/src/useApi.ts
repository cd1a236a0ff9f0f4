import { useCallback, useEffect, useState } from 'react';
import { api } from './api';

export type Loaded<T> =
  | { state: 'loading'; data?: T }
  | { state: 'error'; error: unknown; data?: T }
  | { state: 'ok'; data: T };

/** GET path (null: nothing to load) and follow its state; reload() fetches again. Stale answers are dropped. */
export function useApi<T>(path: string | null): Loaded<T> & { reload: () => void } {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path == null) return;
    let live = true;
    setResult((r) => ({ state: 'loading', data: r.data }));
    api<T>(path).then(
      (data) => live && setResult({ state: 'ok', data }),
      (error) => live && setResult({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...result, reload };
}
