// The draft analyser: what goes to POST /api/v1/emails/drafts/score, what comes back, and the bookkeeping that
// scores a draft as it is typed (a pause in typing sends it, a newer draft cancels the older request, and an
// answer is shown only for the draft it was asked for). Pure except for timers: unit-tested in draft.test.ts.
import { ApiError } from './api';
import { pct, points } from './format';

export interface DraftFactor {
  feature: string;
  label: string;
  value: unknown;
  points: number;
  text: string;
}

export interface Suggestion {
  kind: 'shorten' | 'question' | 'send_time' | string;
  title: string;
  detail: string;
  pReply: number;
  deltaPoints: number;
  subject?: string;
  body?: string;
  sendAt?: string;
}

export interface DraftScore {
  pReply: number;
  model: string;
  factors: { positive: DraftFactor[]; negative: DraftFactor[] };
  suggestions: Suggestion[];
  text: { words: number; questions: number };
  recipient: { leadId?: string; localTime?: string; timezone?: string } | null;
}

/** The editor's fields as typed (sendAt as a datetime-local value, the browser's time zone; '' = now). */
export interface Draft {
  subject: string;
  body: string;
  leadId: string;
  step: string;
  sendAt: string;
}

export const EMPTY_DRAFT: Draft = { subject: '', body: '', leadId: '', step: '', sendAt: '' };

export interface DraftRequest {
  leadId?: string;
  subject: string;
  body: string;
  sequenceStep?: number;
  sendAt?: string;
}

/** The request for a draft, or null when there is nothing to score (subject and body empty): nothing is sent. */
export function draftRequest(d: Draft): DraftRequest | null {
  const subject = d.subject.trim();
  const body = d.body.trim();
  if (!subject && !body) return null;
  const req: DraftRequest = { subject, body };
  const leadId = d.leadId.trim();
  if (leadId) req.leadId = leadId;
  const step = Number(d.step.trim());
  if (d.step.trim() && Number.isInteger(step) && step >= 1) req.sequenceStep = step;
  const sendAt = fromLocalInput(d.sendAt);
  if (sendAt) req.sendAt = sendAt;
  return req;
}

/** Two drafts the API would see alike have the same key. */
export function requestKey(r: DraftRequest): string {
  return JSON.stringify([r.subject, r.body, r.leadId ?? null, r.sequenceStep ?? null, r.sendAt ?? null]);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant -> a datetime-local value in the browser's time zone ("2026-11-24T09:30"); '' for none. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (the browser's time zone) -> an ISO instant; undefined for none or nonsense. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value); // a date-time without an offset is local time
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * The recipient's local time as the API gives it (a local date-time without an offset, "2026-11-24T09:30:00") ->
 * "Tue 24 Nov, 09:30"; anything else is shown as it came.
 */
export function recipientTime(local: string | null | undefined): string | null {
  if (!local) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return local;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]));
  const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' }).format(d);
  const date = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
  return `${weekday} ${date}, ${m[4]}:${m[5]}`;
}

/** Whether a suggestion carries something to put into the editor. */
export function canApply(s: Suggestion): boolean {
  return s.subject != null || s.body != null || !!s.sendAt;
}

/** The draft with a suggestion applied: its subject, body and send time replace the editor's. */
export function applySuggestion(d: Draft, s: Suggestion): Draft {
  return {
    ...d,
    subject: s.subject ?? d.subject,
    body: s.body ?? d.body,
    sendAt: s.sendAt ? toLocalInput(s.sendAt) || d.sendAt : d.sendAt,
  };
}

/** "+0.8 points → 12.3%". */
export function suggestionEffect(s: Suggestion): string {
  return `${points(s.deltaPoints)} → ${pct(s.pReply, 1)}`;
}

/** The factors, strongest first, with each one's share of the strongest (for its bar). */
export function factorRows(f: DraftScore['factors'] | null | undefined): (DraftFactor & {
  direction: 'positive' | 'negative'; share: number; signed: string;
})[] {
  const pos = [...(f?.positive ?? [])].sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
  const neg = [...(f?.negative ?? [])].sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
  const max = Math.max(...pos.concat(neg).map((x) => Math.abs(x.points)), 1e-9);
  return [
    ...pos.map((x) => ({ ...x, direction: 'positive' as const, share: Math.abs(x.points) / max,
      signed: points(Math.abs(x.points), ' pts') })),
    ...neg.map((x) => ({ ...x, direction: 'negative' as const, share: Math.abs(x.points) / max,
      signed: points(-Math.abs(x.points), ' pts') })),
  ];
}

/** What the analyser says when scoring failed: the API's detail (problem+json), else a sentence for the status. */
export function draftError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.detail) return e.detail;
    switch (e.status) {
      case 400: return 'There is nothing to score: write a subject or a body.';
      case 413: return 'The draft is too long to score. Shorten it.';
      case 503: return 'The reply model is not available right now. Try again in a moment.';
      default: return `${e.title || 'The draft could not be scored'} (${e.status}).`;
    }
  }
  return `The draft could not be scored: ${String((e as Error)?.message ?? e)}`;
}

export type ScoreFn = (req: DraftRequest, signal: AbortSignal) => Promise<DraftScore>;

/**
 * What the analyser shows. empty: nothing typed (a hint). pending: a newer draft is waiting for its answer; result
 * is the previous draft's answer, to be shown as out of date (never as this draft's). ok: result is the answer for
 * the draft as it is now. error: the message for the draft as it is now.
 */
export type DraftState =
  | { status: 'empty'; result: null; error: null }
  | { status: 'pending'; result: DraftScore | null; error: null }
  | { status: 'ok'; result: DraftScore; error: null }
  | { status: 'error'; result: null; error: string };

const DEBOUNCE_MS = 400;

/**
 * Scores drafts as they are typed: update() with every change; after delayMs without one the draft is sent. A
 * change cancels the timer and aborts the request in flight (AbortController), and an answer is taken only from
 * the latest request, so an answer that arrives late never replaces a newer one.
 */
export class DraftScorer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inflight: AbortController | null = null;
  private wanted: { key: string; req: DraftRequest } | null | undefined = undefined;
  private answered: { key: string; result: DraftScore } | null = null;

  constructor(
    private readonly score: ScoreFn,
    private onChange: (s: DraftState) => void,
    private readonly delayMs = DEBOUNCE_MS,
  ) {}

  update(draft: Draft): void {
    const req = draftRequest(draft);
    const key = req ? requestKey(req) : null;
    if (this.wanted !== undefined && (this.wanted?.key ?? null) === key) return; // nothing the API sees changed
    this.cancel();
    this.wanted = req && key ? { key, req } : null;
    if (!this.wanted) {
      this.onChange({ status: 'empty', result: null, error: null });
    } else if (this.answered?.key === key) {
      // typed and undone before the pause: the answer on screen is this draft's again
      this.onChange({ status: 'ok', result: this.answered.result, error: null });
    } else {
      this.onChange({ status: 'pending', result: this.answered?.result ?? null, error: null });
      const wanted = this.wanted;
      this.timer = setTimeout(() => this.send(wanted.key, wanted.req), this.delayMs);
    }
  }

  /** Send the current draft again now (after an error). */
  retry(): void {
    if (!this.wanted) return;
    this.cancel();
    this.onChange({ status: 'pending', result: null, error: null });
    this.send(this.wanted.key, this.wanted.req);
  }

  /** Stop: no timer, no request, no more state changes. */
  dispose(): void {
    this.cancel();
    this.onChange = () => {};
  }

  private send(key: string, req: DraftRequest) {
    this.timer = null;
    const ctrl = new AbortController();
    this.inflight = ctrl;
    this.score(req, ctrl.signal).then(
      (result) => {
        if (ctrl !== this.inflight) return; // a newer draft was asked for meanwhile
        this.inflight = null;
        this.answered = { key, result };
        this.onChange({ status: 'ok', result, error: null });
      },
      (e) => {
        if (ctrl !== this.inflight) return;
        this.inflight = null;
        this.answered = null;
        this.onChange({ status: 'error', result: null, error: draftError(e) });
      },
    );
  }

  private cancel() {
    if (this.timer != null) clearTimeout(this.timer);
    this.timer = null;
    this.inflight?.abort();
    this.inflight = null;
  }
}
