import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ApiError } from './api';
import {
  applySuggestion, canApply, DraftScorer, draftError, draftRequest, EMPTY_DRAFT, factorRows, fromLocalInput,
  recipientTime, requestKey, suggestionEffect, toLocalInput,
  type Draft, type DraftRequest, type DraftScore, type DraftState, type Suggestion,
} from './draft';

const draft = (over: Partial<Draft>): Draft => ({ ...EMPTY_DRAFT, ...over });

const answer = (pReply: number): DraftScore => ({
  pReply, model: 'reply/1', factors: { positive: [], negative: [] }, suggestions: [], text: { words: 3, questions: 0 },
  recipient: null,
});

describe('the request', () => {
  test('nothing typed sends nothing; whitespace is nothing', () => {
    expect(draftRequest(EMPTY_DRAFT)).toBeNull();
    expect(draftRequest(draft({ subject: '  ', body: '\n\n', leadId: 'lead-1' }))).toBeNull();
  });

  test('subject and body trimmed; lead, step and send time only when given', () => {
    expect(draftRequest(draft({ subject: ' Hi ', body: 'Shall we talk? ' }))).toEqual({ subject: 'Hi', body: 'Shall we talk?' });
    const r = draftRequest(draft({ subject: 'Hi', leadId: ' lead-7 ', step: '2', sendAt: '2026-11-24T09:30' }))!;
    expect(r.leadId).toBe('lead-7');
    expect(r.sequenceStep).toBe(2);
    expect(new Date(r.sendAt!).getTime()).toBe(new Date('2026-11-24T09:30').getTime());
    expect(draftRequest(draft({ subject: 'Hi', step: '0' }))!.sequenceStep).toBeUndefined();
    expect(draftRequest(draft({ subject: 'Hi', step: '1.5' }))!.sequenceStep).toBeUndefined();
  });

  test('drafts that differ only in what the API does not see share a key', () => {
    const a = draftRequest(draft({ subject: 'Hi', body: 'there' }))!;
    const b = draftRequest(draft({ subject: 'Hi ', body: ' there', step: 'x' }))!;
    expect(requestKey(a)).toBe(requestKey(b));
    expect(requestKey(a)).not.toBe(requestKey({ ...a, leadId: 'l1' }));
  });

  test('send times go through the datetime-local field and back', () => {
    const iso = '2026-11-24T14:30:00.000Z';
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
    expect(toLocalInput(null)).toBe('');
    expect(toLocalInput('not a date')).toBe('');
    expect(fromLocalInput('')).toBeUndefined();
  });

  test("the recipient's local time (no offset) reads as a day and a time, whatever the browser's zone", () => {
    expect(recipientTime('2026-11-24T09:30')).toBe('Tue 24 Nov, 09:30');
    expect(recipientTime('2026-11-24T17:05:42.123')).toBe('Tue 24 Nov, 17:05');
    expect(recipientTime('soon')).toBe('soon');
    expect(recipientTime(null)).toBeNull();
  });
});

describe('suggestions and factors', () => {
  const s: Suggestion = { kind: 'shorten', title: 'Shorten it', detail: 'Under 120 words', pReply: 0.123,
    deltaPoints: 0.84, body: 'Short body?' };

  test('applying puts the suggested text (or send time) into the editor and keeps the rest', () => {
    const d = draft({ subject: 'Hi', body: 'A long body', leadId: 'l1' });
    expect(applySuggestion(d, s)).toEqual({ ...d, body: 'Short body?' });
    const t: Suggestion = { ...s, kind: 'send_time', body: undefined, sendAt: '2026-11-24T14:30:00Z' };
    expect(fromLocalInput(applySuggestion(d, t).sendAt)).toBe('2026-11-24T14:30:00.000Z');
    expect(applySuggestion(d, t).body).toBe('A long body');
  });

  test('only a suggestion with something to apply offers Apply; its effect in points and p(reply)', () => {
    expect(canApply(s)).toBe(true);
    expect(canApply({ ...s, body: undefined })).toBe(false);
    expect(suggestionEffect(s)).toBe('+0.8 points → 12.3%');
    expect(suggestionEffect({ ...s, deltaPoints: -1.26 })).toBe('\u22121.3 points → 12.3%');
  });

  test('factors: positive then negative, strongest first, signed, bars relative to the strongest', () => {
    const f = (feature: string, p: number) => ({ feature, label: feature, value: 1, points: p, text: feature });
    const rows = factorRows({ positive: [f('short', 0.5), f('question', 2)], negative: [f('late', -1)] });
    expect(rows.map((r) => [r.feature, r.direction, r.signed, r.share])).toEqual([
      ['question', 'positive', '+2.0 pts', 1], ['short', 'positive', '+0.5 pts', 0.25],
      ['late', 'negative', '\u22121.0 pts', 0.5],
    ]);
    expect(factorRows(null)).toEqual([]);
  });
});

describe('errors', () => {
  test("the API's detail is shown as it is; without one, a sentence for the status", () => {
    expect(draftError(new ApiError(413, 'Payload Too Large', 'The body has 21,000 characters; at most 20,000.')))
      .toBe('The body has 21,000 characters; at most 20,000.');
    expect(draftError(new ApiError(503, 'Service Unavailable', ''))).toMatch(/model is not available/);
    expect(draftError(new ApiError(413, 'Request Entity Too Large', ''))).toMatch(/too long/);
    expect(draftError(new ApiError(400, 'Bad Request', ''))).toMatch(/nothing to score/);
    expect(draftError(new ApiError(500, 'Internal Server Error', ''))).toBe('Internal Server Error (500).');
    expect(draftError(new Error('boom'))).toMatch(/boom/);
  });
});

describe('scoring as one types', () => {
  let calls: { req: DraftRequest; signal: AbortSignal; resolve: (s: DraftScore) => void; reject: (e: unknown) => void }[];
  let states: DraftState[];
  let scorer: DraftScorer;
  const last = () => states[states.length - 1];

  beforeEach(() => {
    vi.useFakeTimers();
    calls = [];
    states = [];
    scorer = new DraftScorer((req, signal) => new Promise((resolve, reject) => calls.push({ req, signal, resolve, reject })),
      (s) => states.push(s), 400);
  });
  afterEach(() => {
    scorer.dispose();
    vi.useRealTimers();
  });

  test('nothing typed: the hint, and no request', () => {
    scorer.update(EMPTY_DRAFT);
    vi.advanceTimersByTime(1000);
    expect(last().status).toBe('empty');
    expect(calls).toHaveLength(0);
  });

  test('a pause of 400 ms sends the draft once; its answer is shown', async () => {
    scorer.update(draft({ subject: 'H' }));
    vi.advanceTimersByTime(200);
    scorer.update(draft({ subject: 'Hi' }));
    vi.advanceTimersByTime(399);
    expect(calls).toHaveLength(0);
    expect(last().status).toBe('pending');
    vi.advanceTimersByTime(1);
    expect(calls.map((c) => c.req.subject)).toEqual(['Hi']);
    calls[0].resolve(answer(0.12));
    await vi.runAllTimersAsync();
    expect(last()).toMatchObject({ status: 'ok', result: { pReply: 0.12 } });
  });

  test('typing while a request is in flight aborts it, and its late answer is never shown', async () => {
    scorer.update(draft({ subject: 'Hi' }));
    vi.advanceTimersByTime(400);
    scorer.update(draft({ subject: 'Hi there' }));
    expect(calls[0].signal.aborted).toBe(true);
    calls[0].resolve(answer(0.5)); // the server answered anyway
    await vi.runAllTimersAsync();
    expect(calls.map((c) => c.req.subject)).toEqual(['Hi', 'Hi there']);
    expect(states.some((s) => s.result?.pReply === 0.5)).toBe(false);
    expect(last().status).toBe('pending');
    calls[1].resolve(answer(0.2));
    await vi.runAllTimersAsync();
    expect(last()).toMatchObject({ status: 'ok', result: { pReply: 0.2 } });
  });

  test("while a newer draft waits, the previous answer is offered only as the previous draft's", async () => {
    scorer.update(draft({ subject: 'Hi' }));
    vi.advanceTimersByTime(400);
    calls[0].resolve(answer(0.12));
    await vi.runAllTimersAsync();
    scorer.update(draft({ subject: 'Hi!' }));
    expect(last()).toMatchObject({ status: 'pending', result: { pReply: 0.12 } });
    scorer.update(draft({ subject: 'Hi' })); // undone before the pause: that answer is this draft's again
    expect(last()).toMatchObject({ status: 'ok', result: { pReply: 0.12 } });
    vi.advanceTimersByTime(1000);
    expect(calls).toHaveLength(1);
  });

  test('a change the API does not see sends nothing new', () => {
    scorer.update(draft({ subject: 'Hi' }));
    const n = states.length;
    scorer.update(draft({ subject: 'Hi ' }));
    expect(states.length).toBe(n);
    vi.advanceTimersByTime(400);
    expect(calls).toHaveLength(1);
  });

  test('clearing the editor cancels what was pending and shows the hint', () => {
    scorer.update(draft({ body: 'Hello' }));
    vi.advanceTimersByTime(400);
    scorer.update(draft({ body: ' ' }));
    expect(calls[0].signal.aborted).toBe(true);
    expect(last().status).toBe('empty');
  });

  test("an error shows the API's detail; Try again sends the same draft at once", async () => {
    scorer.update(draft({ subject: 'Hi' }));
    vi.advanceTimersByTime(400);
    calls[0].reject(new ApiError(503, 'Service Unavailable', 'The reply model is loading.'));
    await vi.runAllTimersAsync();
    expect(last()).toEqual({ status: 'error', result: null, error: 'The reply model is loading.' });
    scorer.retry();
    expect(calls).toHaveLength(2);
    expect(calls[1].req).toEqual(calls[0].req);
    calls[1].resolve(answer(0.3));
    await vi.runAllTimersAsync();
    expect(last().status).toBe('ok');
  });

  test('after dispose nothing is sent and nothing is reported', async () => {
    scorer.update(draft({ subject: 'Hi' }));
    vi.advanceTimersByTime(400);
    const n = states.length;
    scorer.dispose();
    expect(calls[0].signal.aborted).toBe(true);
    calls[0].resolve(answer(0.9));
    await vi.runAllTimersAsync();
    expect(states.length).toBe(n);
  });
});
