// Calls: API shapes and the pure logic of the Calls pages (speaker timeline, marks, tracker hits, histogram).
// Unit-tested in calls.test.ts.

/** A call in GET /api/v1/calls (CallQueries.Summary): metrics are null until analysed. */
export interface CallSummary {
  id: string;
  leadId: string | null;
  dealId: string | null;
  ownerId: string | null;
  title: string | null;
  startedAt: string | null;
  durationMs: number;
  status: 'pending' | 'analysed' | 'failed';
  talkRatio: number | null;
  longestMonologueMs: number | null;
  questions: number | null;
  patienceMs: number | null;
  prospectToneTrend: number | null;
  warnings: number | null;
  winProbability: number | null;
}

export interface CallPage {
  calls: CallSummary[];
  offset: number;
  limit: number;
  nextOffset: number | null;
}

export interface Utterance {
  index: number;
  speaker: string;
  role: string;
  startMs: number;
  endMs: number;
  text: string;
}

export interface Silence { startMs: number; endMs: number; durationMs: number }
export interface Span { startMs: number; endMs: number; durationMs: number; utterances: number }
export interface CurvePoint { startMs: number; endMs: number; positive: number; utterances: number }

export interface TrackerHit {
  tracker: string;
  kind: string;
  index: number;
  startMs: number;
  speaker: string;
  text: string;
  match: string | null;
  similarity: number | null;
}

export interface Warning { code: string; message: string; evidence: Record<string, unknown> | null }

export interface CallMetrics {
  durationMs: number;
  talkRatio: number | null;
  questions?: number;
  interruptions: number;
  silences: Silence[];
  longestRepMonologue: Span | null;
  longestCustomerStory: Span | null;
  patienceMs: number | null;
  rep?: { questions: number } | null;
  prospect?: { questions: number } | null;
  [key: string]: unknown;
}

/** The call itself is the list's; its metrics are in analysis. */
export interface CallDetail extends Pick<CallSummary,
  'id' | 'leadId' | 'dealId' | 'ownerId' | 'title' | 'startedAt' | 'durationMs' | 'status'> {
  analysisError: string | null;
  utterances: Utterance[];
  analysis: {
    metrics: CallMetrics;
    tone: { prospect: CurvePoint[]; rep: CurvePoint[] } | null;
    prospectToneTrend: number | null;
    trackerHits: TrackerHit[] | null;
    warnings: Warning[] | null;
    winProbability: number | null;
    models: string | null;
    analysedAt: string | null;
  } | null;
}

export interface TalkGroup { key: string; calls: number; meanTalkRatio: number | null; talkRatioHistogram: number[] }
export interface CallAggregates {
  by: string;
  /** The calls started at or after this instant; null: all of them. */
  since: string | null;
  talkRatioReference: number;
  histogramEdges: number[];
  groups: TalkGroup[];
}

/** A call page's route: /calls/<id>. */
export const callPath = (id: string) => `/calls/${encodeURIComponent(id)}`;

/** A call's name in a list: its title, else "Call <id>". */
export function callName(c: { id: string; title: string | null }): string {
  return c.title?.trim() || `Call ${c.id}`;
}

/** Speakers in the order they first speak: the timeline's rows (top to bottom). */
export function speakers(utterances: Utterance[]): { speaker: string; role: string }[] {
  const seen = new Map<string, string>();
  for (const u of [...utterances].sort((a, b) => a.startMs - b.startMs || a.index - b.index)) {
    if (!seen.has(u.speaker)) seen.set(u.speaker, u.role);
  }
  return [...seen].map(([speaker, role]) => ({ speaker, role }));
}

/** Where a speaker cut into another: the interrupting utterance, when and whom (CallMetrics' rule: any overlap). */
export interface Interruption { index: number; atMs: number; speaker: string; interrupted: string[] }

/**
 * The interruptions as CallMetrics counts them: an utterance that starts while another speaker's utterance, begun
 * earlier, is still going (overlap > 0); each interrupted speaker counts once per utterance.
 */
export function interruptions(utterances: Utterance[]): Interruption[] {
  const sorted = [...utterances].sort((a, b) => a.startMs - b.startMs || a.index - b.index);
  let active: Utterance[] = [];
  const out: Interruption[] = [];
  for (const x of sorted) {
    active = active.filter((a) => a.endMs > x.startMs);
    const victims: string[] = [];
    for (const a of active) {
      const overlap = Math.min(a.endMs, x.endMs) - x.startMs;
      if (a.speaker !== x.speaker && a.startMs < x.startMs && overlap > 0 && !victims.includes(a.speaker)) {
        victims.push(a.speaker);
      }
    }
    if (victims.length) out.push({ index: x.index, atMs: x.startMs, speaker: x.speaker, interrupted: victims });
    if (x.endMs > x.startMs) active.push(x);
  }
  return out;
}

/** Silences worth marking: at least minMs (3 s, the analysis' threshold). */
export function longPauses(silences: Silence[] | null | undefined, minMs = 3000): Silence[] {
  return (silences ?? []).filter((s) => s.durationMs >= minMs);
}

/** One bar of the speaker timeline: [row, startMs, endMs, utterance index]. */
export type TimelineBar = [number, number, number, number];

/** The timeline's rows (speaker names) and one bar per utterance on its speaker's row. */
export function timelineBars(utterances: Utterance[]): { rows: string[]; roles: string[]; bars: TimelineBar[] } {
  const rows = speakers(utterances);
  const rowOf = new Map(rows.map((r, i) => [r.speaker, i]));
  const bars: TimelineBar[] = utterances.map((u) => [rowOf.get(u.speaker)!, u.startMs, u.endMs, u.index]);
  return { rows: rows.map((r) => r.speaker), roles: rows.map((r) => r.role), bars };
}

/** The utterance a tracker hit points at: by index, else the utterance running at its startMs. */
export function utteranceOf(hit: { index: number | null | undefined; startMs: number }, utterances: Utterance[]):
  Utterance | undefined {
  if (hit.index != null) {
    const byIndex = utterances.find((u) => u.index === hit.index);
    if (byIndex) return byIndex;
  }
  return utterances.find((u) => u.startMs <= hit.startMs && hit.startMs < u.endMs)
    ?? utterances.find((u) => u.startMs >= hit.startMs);
}

/** Hits grouped by tracker, trackers by name, hits in time order. */
export function hitsByTracker(hits: TrackerHit[] | null | undefined): { tracker: string; hits: TrackerHit[] }[] {
  const groups = new Map<string, TrackerHit[]>();
  for (const h of hits ?? []) groups.set(h.tracker, [...(groups.get(h.tracker) ?? []), h]);
  return [...groups].sort(([a], [b]) => a.localeCompare(b))
    .map(([tracker, list]) => ({ tracker, hits: list.sort((a, b) => a.startMs - b.startMs) }));
}

/** A tone curve as [minutes into the call (bin middle), p(positive)] points. */
export function tonePoints(curve: CurvePoint[] | null | undefined): [number, number][] {
  return (curve ?? []).map((p) => [(p.startMs + p.endMs) / 2 / 60000, p.positive]);
}

/**
 * Every group's talk-ratio histogram summed, with the bins' labels ("40–50%"), and the mean talk ratio over all
 * calls (the groups' means weighted by their calls; groups without a mean left out; null when none has one).
 */
export function talkHistogram(a: CallAggregates):
  { labels: string[]; counts: number[]; calls: number; mean: number | null } {
  const bins = a.histogramEdges.length - 1;
  const counts = new Array<number>(Math.max(0, bins)).fill(0);
  for (const g of a.groups) g.talkRatioHistogram.forEach((n, i) => { if (i < counts.length) counts[i] += n; });
  const labels = counts.map((_, i) =>
    `${Math.round(a.histogramEdges[i] * 100)}–${Math.round(a.histogramEdges[i + 1] * 100)}%`);
  const measured = a.groups.filter((g) => g.meanTalkRatio != null && g.calls > 0);
  const weight = measured.reduce((s, g) => s + g.calls, 0);
  const mean = weight === 0 ? null : measured.reduce((s, g) => s + g.meanTalkRatio! * g.calls, 0) / weight;
  return { labels, counts, calls: counts.reduce((s, n) => s + n, 0), mean };
}

/** The overview's call windows: this week (from Monday 00:00 in the browser's time zone), the last 30 days, all. */
export type CallWindow = 'week' | 'month' | 'all';

/** label: the choice; phrase: what follows "N calls" ("" for all time). */
export const CALL_WINDOWS: { value: CallWindow; label: string; phrase: string }[] = [
  { value: 'week', label: 'This week', phrase: ' this week' },
  { value: 'month', label: 'Last 30 days', phrase: ' in the last 30 days' },
  { value: 'all', label: 'All time', phrase: '' },
];

/** Where a window starts, as an ISO instant for the API's since; null for all time. */
export function windowStart(w: CallWindow, now: Date = new Date()): string | null {
  if (w === 'all') return null;
  const start = new Date(now);
  if (w === 'month') {
    start.setDate(start.getDate() - 30);
  } else {
    start.setHours(0, 0, 0, 0);
    start.setDate(start.getDate() - ((start.getDay() + 6) % 7)); // getDay: 0 is Sunday; weeks start on Monday
  }
  return start.toISOString();
}

/** Where the reference falls on a category axis of bins: a fractional bin position (0.43 of 10 bins -> 3.8). */
export function referencePosition(a: CallAggregates): number {
  const edges = a.histogramEdges;
  const bins = edges.length - 1;
  if (bins < 1) return 0;
  const width = (edges[bins] - edges[0]) / bins;
  return (a.talkRatioReference - edges[0]) / width - 0.5;
}

/** A warning's evidence as "key: value" lines (arrays joined, nested objects as JSON). */
export function evidenceLines(evidence: Record<string, unknown> | null | undefined): string[] {
  return Object.entries(evidence ?? {}).map(([k, v]) => {
    const value = Array.isArray(v) ? v.join(', ') : v != null && typeof v === 'object' ? JSON.stringify(v) : String(v);
    return `${k}: ${value}`;
  });
}
