// The Emails page's sequence analytics: the API's shapes (GET /api/v1/sequences and /sequences/{id}) and what the
// page shows of them. Pure functions: unit-tested in sequences.test.ts.
import { pct, points } from './format';

/** successes of trials with a Wilson interval [low, high]; the API sends null for no trials. */
export interface Rate {
  successes: number;
  trials: number;
  rate: number;
  low: number;
  high: number;
}

export interface SequenceSummary {
  id: string;
  name: string | null;
  steps: number;
  variants: string[];
  sent: number;
  replyRate: Rate | null;
  positiveRate: Rate | null;
  winners: number;
  lastSentAt: string | null;
}

export type Metric = 'REPLY' | 'POSITIVE';
export type Verdict = 'WINNER' | 'NO_DIFFERENCE_YET' | 'INSUFFICIENT_DATA';

export interface VariantStats {
  variant: string;
  sent: number;
  replyRate: Rate | null;
  positiveRate: Rate | null;
  firstSentAt: string | null;
  lastSentAt: string | null;
}

export interface Comparison {
  metric: Metric;
  control: string;
  variant: string;
  difference: number; // variant − control, in points
  pValue: number;
  probabilityToBeat: number;
  verdict: Verdict;
  winner: string | null;
  sendsPerVariant: number | null;
  moreSendsPerVariant: number | null;
  message: string;
}

export interface SequenceStep {
  step: number;
  variants: VariantStats[];
  comparisons: Comparison[];
}

export interface SequenceDetail {
  id: string;
  name: string | null;
  confidence: number;
  power: number;
  steps: SequenceStep[];
  refreshedAt: string | null;
}

/** A rate with its interval: "7.5% (5.3–10.5%)"; no sends -> "–". */
export function interval(r: Rate | null | undefined): string {
  if (!r || !r.trials) return '–';
  return `${pct(r.rate, 1)} (${(r.low * 100).toFixed(1)}–${pct(r.high, 1)})`;
}

/** A p-value as the API's messages write it: three significant digits, tiny ones as "< 0.001". */
export function pValue(p: number): string {
  if (p < 0.001) return '< 0.001';
  return p.toPrecision(3).replace(/\.?0+$/, '');
}

/** The sequences, most sends first (the API's order; ties by id so the table is stable). */
export function sortSequences(list: SequenceSummary[]): SequenceSummary[] {
  return [...list].sort((a, b) => b.sent - a.sent || a.id.localeCompare(b.id));
}

export function sequenceName(s: { id: string; name: string | null }): string {
  return s.name?.trim() || s.id;
}

export interface VerdictView {
  metric: Metric;
  what: string; // "Reply rate"
  pair: string; // "B vs A"
  verdict: Verdict;
  label: string; // "B wins", "No difference yet", "Too few sends"
  needs: string | null; // "needs ~1,240 more sends per variant"
  summary: string; // "+2.1 points, p = 0.031, P(B better) = 97.5%"
  /** What the page prints under the verdict: the API's message, with P(better) where the message lacks it. */
  detail: string;
}

/** "needs ~1,240 more sends per variant" (null when nothing more is needed or no number of sends would do). */
export function needsMore(c: Comparison): string | null {
  if (c.verdict === 'WINNER' || c.moreSendsPerVariant == null || c.moreSendsPerVariant <= 0) return null;
  return `needs ~${Math.round(c.moreSendsPerVariant).toLocaleString('en')} more sends per variant`;
}

export function verdictView(c: Comparison): VerdictView {
  const what = c.metric === 'REPLY' ? 'Reply rate' : 'Positive-reply rate';
  const label = c.verdict === 'WINNER' ? `${c.winner} wins`
    : c.verdict === 'NO_DIFFERENCE_YET' ? 'No difference yet' : 'Too few sends';
  const beat = c.probabilityToBeat;
  const summary = `${points(c.difference)}, p = ${pValue(c.pValue)}, P(${c.variant} better) = ${pct(beat, 1)}`;
  return {
    metric: c.metric,
    what,
    pair: `${c.variant} vs ${c.control}`,
    verdict: c.verdict,
    label,
    needs: needsMore(c),
    summary,
    // A winner's message names p and P(better); the others' do not give the odds, which still inform a decision.
    detail: !c.message ? `${summary}.`
      : c.verdict === 'NO_DIFFERENCE_YET' ? `${c.message} P(${c.variant} better) = ${pct(beat, 1)}.` : c.message,
  };
}

export interface VariantRow {
  variant: string;
  control: boolean;
  sent: number;
  reply: string;
  positive: string;
  replyRate: Rate | null;
  positiveRate: Rate | null;
  /** The metrics this variant wins on at this step (it beat the control, or as control beat a variant). */
  wins: Metric[];
  firstSentAt: string | null;
  lastSentAt: string | null;
}

export interface StepView {
  step: number;
  rows: VariantRow[];
  verdicts: VerdictView[];
}

/** One step of GET /sequences/{id} as the page shows it: a row per variant, a verdict per comparison. */
export function stepView(s: SequenceStep): StepView {
  const control = s.comparisons[0]?.control ?? null;
  const rows = s.variants.map((v) => ({
    variant: v.variant || '(none)',
    control: v.variant === control,
    sent: v.sent,
    reply: interval(v.replyRate),
    positive: interval(v.positiveRate),
    replyRate: v.replyRate,
    positiveRate: v.positiveRate,
    wins: (['REPLY', 'POSITIVE'] as Metric[]).filter((m) =>
      s.comparisons.some((c) => c.metric === m && c.verdict === 'WINNER' && c.winner === v.variant)),
    firstSentAt: v.firstSentAt,
    lastSentAt: v.lastSentAt,
  }));
  // Reply rate first, then the positive-reply rate, each in the order of the variants.
  const verdicts = [...s.comparisons]
    .sort((a, b) => (a.metric === b.metric ? 0 : a.metric === 'REPLY' ? -1 : 1))
    .map(verdictView);
  return { step: s.step, rows, verdicts };
}

/** The interval chart's rows, from the steps as stepView shows them: one per step and variant, top to bottom, in %. */
export function chartRows(steps: StepView[]): {
  label: string; rate: number; low: number; high: number; positive: number | null; winner: boolean; variant: string;
}[] {
  return steps.flatMap((s) => s.rows.filter((r) => r.replyRate && r.replyRate.trials > 0).map((r) => ({
    label: `Step ${s.step} · ${r.variant}`,
    rate: round1(r.replyRate!.rate * 100),
    low: round1(r.replyRate!.low * 100),
    high: round1(r.replyRate!.high * 100),
    positive: r.positiveRate && r.positiveRate.trials ? round1(r.positiveRate.rate * 100) : null,
    winner: r.wins.includes('REPLY'),
    variant: r.variant,
  })));
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
