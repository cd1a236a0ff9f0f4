import { expect, test } from 'vitest';
import type { ScoreChange } from './api';
import { addChange, isHot } from './live';

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
