import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { api, type ScoreChange } from './api';
import { RETRY_MS, addChange, isHot, openScoreStream } from './live';

vi.mock('./api', () => ({ api: vi.fn() }));

const change = (leadId: string, scoreId: number, grade = 'B'): ScoreChange => ({
  scoreId, leadId, name: null, ownerId: 'r1', score: 50, grade, previousScore: null, previousGrade: null,
  model: 'lead-score/v1', scoredAt: '2026-11-24T10:00:00Z',
});

test('the live list keeps the newest change per lead, newest first, up to its size', () => {
  let list: ScoreChange[] = [];
  list = addChange(list, change('a', 1));
  list = addChange(list, change('b', 2));
  list = addChange(list, change('a', 3));
  expect(list.map((c) => c.scoreId)).toEqual([3, 2]);
  for (let i = 0; i < 20; i++) list = addChange(list, change(`x${i}`, 10 + i), 5);
  expect(list).toHaveLength(5);
  expect(list[0].leadId).toBe('x19');
});

test('grade A is hot', () => {
  expect(isHot(change('a', 1, 'A'))).toBe(true);
  expect(isHot(change('a', 1, 'B'))).toBe(false);
});

describe('the score stream', () => {
  class FakeSource {
    static all: FakeSource[] = [];
    closed = false;
    onopen: (() => void) | null = null;
    onmessage: ((e: { data: string }) => void) | null = null;
    onerror: (() => void) | null = null;
    constructor(readonly url: string) {
      FakeSource.all.push(this);
    }
    close() {
      this.closed = true;
    }
  }

  beforeEach(() => {
    vi.useFakeTimers();
    FakeSource.all = [];
    vi.stubGlobal('EventSource', FakeSource);
    let n = 0;
    vi.mocked(api).mockReset().mockImplementation(async () => ({ token: `t${++n}` }));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  test('when the stream ends (the server closes it after 10 minutes) it reopens with a fresh token, after a pause', async () => {
    const statuses: string[] = [];
    const stop = openScoreStream(() => {}, (s) => statuses.push(s));
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSource.all.map((s) => s.url)).toEqual(['/api/v1/leads/scores/stream?token=t1']);
    FakeSource.all[0].onopen!();
    FakeSource.all[0].onerror!();
    expect(FakeSource.all[0].closed).toBe(true);
    await vi.advanceTimersByTimeAsync(RETRY_MS - 1);
    expect(FakeSource.all).toHaveLength(1); // no tight loop
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSource.all.map((s) => s.url)).toEqual(['/api/v1/leads/scores/stream?token=t1',
      '/api/v1/leads/scores/stream?token=t2']);
    expect(api).toHaveBeenCalledTimes(2);
    expect(statuses).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting']);
    stop();
    expect(FakeSource.all[1].closed).toBe(true);
    expect(statuses[statuses.length - 1]).toBe('off');
  });

  test('a refused token is retried after the same pause, and stopping cancels the retry', async () => {
    vi.mocked(api).mockRejectedValue(new Error('down'));
    const stop = openScoreStream(() => {}, () => {});
    await vi.advanceTimersByTimeAsync(RETRY_MS * 3);
    expect(vi.mocked(api).mock.calls.length).toBe(4); // the first try and one every RETRY_MS
    stop();
    await vi.advanceTimersByTimeAsync(RETRY_MS * 3);
    expect(vi.mocked(api).mock.calls.length).toBe(4);
    expect(FakeSource.all).toHaveLength(0);
  });
});
