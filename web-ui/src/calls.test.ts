import { describe, expect, test } from 'vitest';
import {
  callName, callPath, evidenceLines, hitsByTracker, interruptions, longPauses, referencePosition, speakers,
  talkHistogram, timelineBars, windowStart, tonePoints, utteranceOf, type CallAggregates, type TrackerHit,
  type Utterance,
} from './calls';

const u = (index: number, speaker: string, role: string, startMs: number, endMs: number, text = ''): Utterance =>
  ({ index, speaker, role, startMs, endMs, text });

// Sam (rep) opens, Dana cuts in at 3.5 s, then 5 s of silence, Sam again, Lee (a second prospect) last.
const call = [
  u(0, 'Sam', 'rep', 0, 4000, 'Hi Dana'),
  u(1, 'Dana', 'prospect', 3500, 6000, 'What does it cost?'),
  u(2, 'Sam', 'rep', 11000, 15000, 'Pricing is per seat'),
  u(3, 'Lee', 'prospect', 15000, 17000, 'OK'),
];

describe('formatting', () => {
  test('a call without a title is named by its id', () => {
    expect(callName({ id: 'c1', title: 'Demo' })).toBe('Demo');
    expect(callName({ id: 'c1', title: null })).toBe('Call c1');
    expect(callName({ id: 'c1', title: '  ' })).toBe('Call c1');
  });

  test("a call's route encodes its id", () => {
    expect(callPath('c 1/2')).toBe('/calls/c%201%2F2');
  });

  test("a warning's evidence as lines", () => {
    expect(evidenceLines({ days: 40, stage: 'proposal', calls: ['a', 'b'], last: { at: 'x' }, none: null }))
      .toEqual(['days: 40', 'stage: proposal', 'calls: a, b', 'last: {"at":"x"}', 'none: null']);
    expect(evidenceLines(null)).toEqual([]);
  });
});

describe('speaker timeline', () => {
  test('one row per speaker in the order they first speak, one bar per utterance', () => {
    expect(speakers([...call].reverse())).toEqual([
      { speaker: 'Sam', role: 'rep' }, { speaker: 'Dana', role: 'prospect' }, { speaker: 'Lee', role: 'prospect' }]);
    const t = timelineBars(call);
    expect(t.rows).toEqual(['Sam', 'Dana', 'Lee']);
    expect(t.roles).toEqual(['rep', 'prospect', 'prospect']);
    expect(t.bars).toEqual([[0, 0, 4000, 0], [1, 3500, 6000, 1], [0, 11000, 15000, 2], [2, 15000, 17000, 3]]);
  });

  test('interruptions follow CallMetrics: overlap > 0 with someone who started earlier; latching is none', () => {
    expect(interruptions(call)).toEqual([{ index: 1, atMs: 3500, speaker: 'Dana', interrupted: ['Sam'] }]);
    // Same speaker overlapping themselves, simultaneous starts and a zero-length utterance: no interruption.
    expect(interruptions([u(0, 'A', 'rep', 0, 5000), u(1, 'A', 'rep', 1000, 2000), u(2, 'B', 'prospect', 0, 1000),
      u(3, 'C', 'prospect', 6000, 6000), u(4, 'D', 'prospect', 6000, 7000)])).toEqual([]);
    // One utterance cutting into two speakers counts each once.
    expect(interruptions([u(0, 'A', 'rep', 0, 5000), u(1, 'B', 'prospect', 1000, 5000), u(2, 'C', 'other', 2000, 3000)]))
      .toEqual([{ index: 1, atMs: 1000, speaker: 'B', interrupted: ['A'] },
        { index: 2, atMs: 2000, speaker: 'C', interrupted: ['A', 'B'] }]);
  });

  test('long pauses are the silences of 3 s or more', () => {
    const s = [{ startMs: 6000, endMs: 11000, durationMs: 5000 }, { startMs: 20000, endMs: 22000, durationMs: 2000 },
      { startMs: 30000, endMs: 33000, durationMs: 3000 }];
    expect(longPauses(s).map((x) => x.startMs)).toEqual([6000, 30000]);
    expect(longPauses(undefined)).toEqual([]);
  });
});

describe('tracker hits', () => {
  const hit = (tracker: string, index: number, startMs: number): TrackerHit =>
    ({ tracker, kind: 'keyword', index, startMs, speaker: 'Dana', text: '', match: null, similarity: null });

  test('a hit finds its utterance by index, else by time', () => {
    expect(utteranceOf(hit('pricing', 2, 11000), call)?.text).toBe('Pricing is per seat');
    expect(utteranceOf({ index: null, startMs: 4000 }, call)?.index).toBe(1);
    expect(utteranceOf({ index: 99, startMs: 8000 }, call)?.index).toBe(2); // in a silence: the next utterance
    expect(utteranceOf({ index: null, startMs: 99_000 }, call)).toBeUndefined();
  });

  test('hits are grouped by tracker, in time order', () => {
    const groups = hitsByTracker([hit('pricing', 2, 11000), hit('budget', 1, 3500), hit('pricing', 1, 3500)]);
    expect(groups.map((g) => g.tracker)).toEqual(['budget', 'pricing']);
    expect(groups[1].hits.map((h) => h.index)).toEqual([1, 2]);
    expect(hitsByTracker(null)).toEqual([]);
  });
});

describe('tone and talk ratio', () => {
  test('tone points sit at the middle of their bin, in minutes', () => {
    expect(tonePoints([{ startMs: 0, endMs: 60000, positive: 0.7, utterances: 3 }])).toEqual([[0.5, 0.7]]);
    expect(tonePoints(null)).toEqual([]);
  });

  test('the histogram sums the groups and places the 43% reference between bins', () => {
    const a: CallAggregates = {
      by: 'rep', since: null, talkRatioReference: 0.43, histogramEdges: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      groups: [
        { key: 'u1', calls: 3, meanTalkRatio: 0.5, talkRatioHistogram: [0, 0, 0, 0, 1, 2, 0, 0, 0, 0] },
        { key: 'u2', calls: 1, meanTalkRatio: 0.6, talkRatioHistogram: [0, 0, 0, 0, 0, 0, 1, 0, 0, 0] },
      ],
    };
    const h = talkHistogram(a);
    expect(h.counts).toEqual([0, 0, 0, 0, 1, 2, 1, 0, 0, 0]);
    expect(h.labels[4]).toBe('40–50%');
    expect(h.calls).toBe(4);
    expect(referencePosition(a)).toBeCloseTo(3.8);
    expect(talkHistogram({ ...a, groups: [] }).calls).toBe(0);
  });

  test("the mean talk ratio weighs each group's mean by its calls; groups without a mean are left out", () => {
    const g = (calls: number, meanTalkRatio: number | null) =>
      ({ key: `u${calls}`, calls, meanTalkRatio, talkRatioHistogram: [] });
    const a: CallAggregates = { by: 'rep', since: null, talkRatioReference: 0.43, histogramEdges: [0, 0.5, 1], groups: [] };
    expect(talkHistogram({ ...a, groups: [g(3, 0.5), g(1, 0.6)] }).mean).toBeCloseTo(0.525);
    expect(talkHistogram({ ...a, groups: [g(3, 0.5), g(2, null)] }).mean).toBeCloseTo(0.5);
    expect(talkHistogram({ ...a, groups: [g(2, null)] }).mean).toBeNull();
    expect(talkHistogram(a).mean).toBeNull();
  });
});

describe('call windows', () => {
  test('this week starts on Monday at midnight, local time; 30 days back; all time has no start', () => {
    const wednesday = new Date(2026, 10, 25, 15, 30); // Wed 25 Nov 2026, 15:30 local
    expect(new Date(windowStart('week', wednesday)!)).toEqual(new Date(2026, 10, 23, 0, 0));
    const sunday = new Date(2026, 10, 29, 23, 59);
    expect(new Date(windowStart('week', sunday)!)).toEqual(new Date(2026, 10, 23, 0, 0));
    const monday = new Date(2026, 10, 23, 0, 0);
    expect(new Date(windowStart('week', monday)!)).toEqual(monday);
    expect(new Date(windowStart('month', wednesday)!)).toEqual(new Date(2026, 9, 26, 15, 30));
    expect(windowStart('all', wednesday)).toBeNull();
  });
});
