import { api, type ScoreChange } from './api';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'off';

/** The pause before reconnecting after an error or the end of a stream (no tight loop). */
export const RETRY_MS = 5000;

/**
 * Newly scored leads over server-sent events. EventSource cannot send the API key in a header (and the key must
 * not go into a URL), so each connection first trades the key for a short-lived stream token. On an error the
 * stream is closed and reopened with a fresh token after a pause (RETRY_MS), so a server that keeps failing is
 * not hammered; the server also ends each stream after 10 minutes, which reconnects the same way.
 */
export function openScoreStream(onChange: (c: ScoreChange) => void, onStatus: (s: LiveStatus) => void): () => void {
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  async function connect() {
    onStatus(source ? 'reconnecting' : 'connecting');
    try {
      const { token } = await api<{ token: string }>('/api/v1/leads/scores/stream-token', { method: 'POST' });
      if (stopped) return;
      source = new EventSource(`/api/v1/leads/scores/stream?token=${encodeURIComponent(token)}`);
      source.onopen = () => onStatus('live');
      source.onmessage = (e) => onChange(JSON.parse(e.data) as ScoreChange);
      source.onerror = () => {
        source?.close();
        retry();
      };
    } catch {
      retry();
    }
  }

  function retry() {
    if (stopped) return;
    onStatus('reconnecting');
    timer = setTimeout(connect, RETRY_MS);
  }

  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
    onStatus('off');
  };
}

/** Keeps the newest `max` changes, newest first, one per lead. */
export function addChange(list: ScoreChange[], change: ScoreChange, max = 12): ScoreChange[] {
  return [change, ...list.filter((c) => c.leadId !== change.leadId)].slice(0, max);
}

/** A lead is hot when it is graded A. */
export const isHot = (c: { grade: string }) => c.grade === 'A';
