import { describe, expect, test } from 'vitest';
import { clampRow, fromLink, nextRow, rowKey } from './rowNav';

describe('row navigation', () => {
  test('arrows, Home/End and PageUp/PageDown move within the rows', () => {
    expect(nextRow('ArrowDown', 0, 5)).toBe(1);
    expect(nextRow('ArrowDown', 4, 5)).toBe(4);
    expect(nextRow('ArrowUp', 0, 5)).toBe(0);
    expect(nextRow('End', 1, 5)).toBe(4);
    expect(nextRow('Home', 3, 5)).toBe(0);
    expect(nextRow('PageDown', 1, 50)).toBe(11);
    expect(nextRow('PageUp', 3, 50)).toBe(0);
    expect(nextRow('a', 1, 5)).toBeNull();
    expect(nextRow('ArrowDown', 0, 0)).toBeNull();
  });

  test('the row that takes Tab stays within a shorter page', () => {
    expect(clampRow(37, 3)).toBe(2);
    expect(clampRow(1, 3)).toBe(1);
    expect(clampRow(5, 0)).toBe(0);
  });

  test('Enter and Space open the row on every table; arrows move; other keys are left alone', () => {
    expect(rowKey('Enter', 2, 5)).toEqual({ open: true });
    expect(rowKey(' ', 2, 5)).toEqual({ open: true });
    expect(rowKey('ArrowDown', 2, 5)).toEqual({ move: 3 });
    expect(rowKey('Home', 2, 5)).toEqual({ move: 0 });
    expect(rowKey('Tab', 2, 5)).toBeNull();
    expect(rowKey('a', 2, 5)).toBeNull();
    expect(rowKey('Enter', 0, 0)).toBeNull();
  });

  test('a click or key on a link in the row is the link\'s, anywhere else the row\'s', () => {
    const inside = (link: boolean) => ({ closest: (s: string) => (s === 'a' && link ? {} : null) });
    expect(fromLink(inside(true) as unknown as EventTarget)).toBe(true);
    expect(fromLink(inside(false) as unknown as EventTarget)).toBe(false);
    expect(fromLink(null)).toBe(false);
    expect(fromLink({} as EventTarget)).toBe(false); // not an element (a text node has no closest)
  });
});
