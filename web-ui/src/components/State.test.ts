import { expect, test } from 'vitest';
import { phaseOf } from './State';

const isEmpty = (d: number[]) => d.length === 0;

test('loading, error, empty and loaded', () => {
  expect(phaseOf<number[]>({ state: 'loading' })).toBe('loading');
  expect(phaseOf<number[]>({ state: 'error', error: new Error('x') }, true, isEmpty)).toBe('error');
  expect(phaseOf<number[]>({ state: 'ok', data: [] }, false, isEmpty)).toBe('empty');
  expect(phaseOf<number[]>({ state: 'ok', data: [1] }, false, isEmpty)).toBe('ok');
  expect(phaseOf<number[]>({ state: 'ok', data: [] })).toBe('ok'); // no isEmpty: the children decide
});

test('a reload shows loading again unless the previous answer may stay (stale)', () => {
  const reloading = { state: 'loading' as const, data: [1] };
  expect(phaseOf(reloading)).toBe('loading');
  expect(phaseOf(reloading, true, isEmpty)).toBe('ok');
  expect(phaseOf<number[]>({ state: 'loading' }, true)).toBe('loading');
});
