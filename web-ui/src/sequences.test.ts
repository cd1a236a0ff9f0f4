import { describe, expect, test } from 'vitest';
import {
  chartRows, interval, needsMore, pValue, sequenceName, sortSequences, stepView, verdictView,
  type Comparison, type Rate, type SequenceStep, type SequenceSummary,
} from './sequences';

const rate = (successes: number, trials: number, low: number, high: number): Rate =>
  ({ successes, trials, rate: successes / trials, low, high });

const comparison = (over: Partial<Comparison>): Comparison => ({
  metric: 'REPLY', control: 'A', variant: 'B', difference: 2.14, pValue: 0.0312, probabilityToBeat: 0.9751,
  verdict: 'WINNER', winner: 'B', sendsPerVariant: 800, moreSendsPerVariant: null, message: 'B beats A.', ...over,
});

describe('rates and intervals', () => {
  test('intervals read "7.5% (5.3–10.5%)"', () => {
    expect(interval({ successes: 15, trials: 200, rate: 0.075, low: 0.0531, high: 0.1049 })).toBe('7.5% (5.3–10.5%)');
    expect(interval(null)).toBe('–');
    expect(interval({ successes: 0, trials: 0, rate: 0, low: 0, high: 0 })).toBe('–');
  });

  test('p-values: three significant digits, tiny ones bounded', () => {
    expect(pValue(0.0312)).toBe('0.0312');
    expect(pValue(0.5)).toBe('0.5');
    expect(pValue(1)).toBe('1');
    expect(pValue(0.0004)).toBe('< 0.001');
  });
});

describe('the sequence table', () => {
  const s = (id: string, sent: number, name: string | null = null): SequenceSummary => ({
    id, name, steps: 3, variants: ['A', 'B'], sent, replyRate: null, positiveRate: null, winners: 0, lastSentAt: null,
  });

  test('most sends first, ties by id', () => {
    expect(sortSequences([s('b', 10), s('c', 50), s('a', 10)]).map((x) => x.id)).toEqual(['c', 'a', 'b']);
  });

  test('a sequence is named by its name, else its id', () => {
    expect(sequenceName(s('seq-1', 1, 'Webinar follow-up'))).toBe('Webinar follow-up');
    expect(sequenceName(s('seq-1', 1, ' '))).toBe('seq-1');
    expect(sequenceName(s('seq-1', 1))).toBe('seq-1');
  });
});

describe('verdicts', () => {
  test('a winner names the winning variant and the evidence', () => {
    const v = verdictView(comparison({}));
    expect(v.label).toBe('B wins');
    expect(v.pair).toBe('B vs A');
    expect(v.what).toBe('Reply rate');
    expect(v.summary).toBe('+2.1 points, p = 0.0312, P(B better) = 97.5%');
    expect(v.needs).toBeNull();
    expect(v.detail).toBe('B beats A.');
  });

  test('no difference yet says how many more sends each variant needs', () => {
    const c = comparison({ verdict: 'NO_DIFFERENCE_YET', winner: null, moreSendsPerVariant: 1240, metric: 'POSITIVE' });
    expect(verdictView(c).label).toBe('No difference yet');
    expect(verdictView(c).what).toBe('Positive-reply rate');
    expect(needsMore(c)).toBe('needs ~1,240 more sends per variant');
    expect(verdictView({ ...c, message: 'Not yet.' }).detail).toBe('Not yet. P(B better) = 97.5%.');
    expect(verdictView({ ...c, message: '' }).detail).toBe('+2.1 points, p = 0.0312, P(B better) = 97.5%.');
  });

  test('equal rates need no number of sends; too few sends say so', () => {
    expect(needsMore(comparison({ verdict: 'NO_DIFFERENCE_YET', moreSendsPerVariant: null }))).toBeNull();
    const few = comparison({ verdict: 'INSUFFICIENT_DATA', winner: null, moreSendsPerVariant: 12 });
    expect(verdictView(few).label).toBe('Too few sends');
    expect(needsMore(few)).toBe('needs ~12 more sends per variant');
  });
});

describe('a step as the page shows it', () => {
  const step: SequenceStep = {
    step: 2,
    variants: [
      { variant: 'A', sent: 200, replyRate: rate(15, 200, 0.0531, 0.1049), positiveRate: rate(4, 200, 0.008, 0.05),
        firstSentAt: '2026-10-01T09:00:00Z', lastSentAt: '2026-11-01T09:00:00Z' },
      { variant: 'B', sent: 210, replyRate: rate(40, 210, 0.14, 0.25), positiveRate: rate(5, 210, 0.01, 0.05),
        firstSentAt: '2026-10-01T09:00:00Z', lastSentAt: '2026-11-02T09:00:00Z' },
    ],
    comparisons: [
      comparison({ metric: 'POSITIVE', verdict: 'NO_DIFFERENCE_YET', winner: null, moreSendsPerVariant: 5000 }),
      comparison({}),
    ],
  };

  test('a row per variant: the control marked, the winner on each metric', () => {
    const v = stepView(step);
    expect(v.rows.map((r) => [r.variant, r.control, r.wins])).toEqual([['A', true, []], ['B', false, ['REPLY']]]);
    expect(v.rows[0].reply).toBe('7.5% (5.3–10.5%)');
  });

  test('the reply-rate verdict comes before the positive-reply one', () => {
    expect(stepView(step).verdicts.map((x) => x.metric)).toEqual(['REPLY', 'POSITIVE']);
  });

  test('a step with one variant has no control and no verdicts', () => {
    const v = stepView({ step: 1, variants: [step.variants[0]], comparisons: [] });
    expect(v.rows[0].control).toBe(false);
    expect(v.verdicts).toEqual([]);
  });

  test('the chart has one row per step and variant, in percent, the winner flagged', () => {
    const rows = chartRows([stepView(step)]);
    expect(rows).toEqual([
      { label: 'Step 2 · A', rate: 7.5, low: 5.3, high: 10.5, positive: 2, winner: false, variant: 'A' },
      { label: 'Step 2 · B', rate: 19, low: 14, high: 25, positive: 2.4, winner: true, variant: 'B' },
    ]);
  });
});
