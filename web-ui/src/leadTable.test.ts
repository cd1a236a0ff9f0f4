import { describe, expect, test } from 'vitest';
import {
  DEFAULT_STATE, apiQuery, ariaSort, fromQuery, pageCount, pageView, rangeLabel, searchBox,
  searchTo, setFilter, toQuery, toggleSort,
} from './leadTable';

describe('sorting', () => {
  test('a new column starts in its natural direction, the same column flips', () => {
    const byName = toggleSort(DEFAULT_STATE, 'name');
    expect([byName.sort, byName.dir]).toEqual(['name', 'asc']);
    expect(toggleSort(byName, 'name').dir).toBe('desc');
    expect(toggleSort(DEFAULT_STATE, 'score').dir).toBe('asc'); // score desc is the default: flips
    expect(toggleSort(byName, 'lastActivity').dir).toBe('desc');
  });

  test('sorting and filtering go back to the first page', () => {
    const page3 = { ...DEFAULT_STATE, page: 2 };
    expect(toggleSort(page3, 'owner').page).toBe(0);
    expect(setFilter(page3, 'grade', 'A').page).toBe(0);
  });

  test('the sorted column says so to assistive technology', () => {
    expect(ariaSort(DEFAULT_STATE, 'score')).toBe('descending');
    expect(ariaSort(toggleSort(DEFAULT_STATE, 'name'), 'name')).toBe('ascending');
    expect(ariaSort(DEFAULT_STATE, 'owner')).toBe('none');
  });
});

describe('the URL keeps the view', () => {
  test('round trip', () => {
    const s = { sort: 'change' as const, dir: 'asc' as const, grade: 'B', owner: 'rep-7', status: '', q: 'acme', page: 3 };
    expect(fromQuery(toQuery(s))).toEqual(s);
  });

  test('defaults leave the URL clean', () => {
    expect(toQuery(DEFAULT_STATE)).toBe('');
    expect(fromQuery('')).toEqual(DEFAULT_STATE);
  });

  test('nonsense falls back to defaults instead of reaching the API', () => {
    const s = fromQuery('?sort=drop+table&dir=sideways&grade=Z&status=weird&page=-4');
    expect(s.sort).toBe('score');
    expect(s.dir).toBe('desc');
    expect(s.grade).toBe('');
    expect(s.status).toBe('');
    expect(s.page).toBe(0);
  });

  test('the API query carries the filters and the page as an offset', () => {
    const q = new URLSearchParams(apiQuery({ ...DEFAULT_STATE, grade: 'A', q: ' ada ', page: 2 }));
    expect(q.get('grade')).toBe('A');
    expect(q.get('q')).toBe('ada');
    expect(q.get('offset')).toBe('100');
    expect(q.get('limit')).toBe('50');
    expect(q.get('status')).toBe('open');
    expect(q.has('owner')).toBe(false);
  });
});

describe('the count', () => {
  test('range label', () => {
    expect(rangeLabel(0, 50, 1234)).toBe('1–50 of 1,234');
    expect(rangeLabel(1, 3, 53)).toBe('51–53 of 53');
    expect(rangeLabel(0, 0, 0)).toBe('0 of 0');
    expect(rangeLabel(4, 0, 53)).toBe('none of 53');
  });
});

describe('the search box', () => {
  test('navigates on top of the URL as it is when typing pauses: a grade picked meanwhile stays', () => {
    // typing began at ?status=converted; the grade changed to A within the pause
    const qs = searchTo('?status=converted&grade=A&page=3', 'ada');
    expect(fromQuery(qs!)).toEqual({ ...DEFAULT_STATE, status: 'converted', grade: 'A', q: 'ada', page: 0 });
  });

  test('does not navigate when the URL already searches for it (spaces aside)', () => {
    expect(searchTo('?q=ada', 'ada ')).toBeNull();
    expect(searchTo('', '  ')).toBeNull();
    expect(searchTo('?q=ada', '')).toBe('');
  });

  test('shows the URL\'s search after Back/Forward, but keeps a trailing space being typed', () => {
    expect(searchBox('ada lovelace', 'ada')).toBe('ada');
    expect(searchBox('ada', '')).toBe('');
    expect(searchBox('ada ', 'ada')).toBe('ada ');
  });
});

describe('past the end', () => {
  test('a page beyond the total is past the end, not "no leads match"', () => {
    expect(pageView(0, 50, 120)).toBe('rows');
    expect(pageView(0, 0, 0)).toBe('empty');
    expect(pageView(5, 0, 0)).toBe('empty');
    expect(pageView(2, 0, 100)).toBe('past-end');
    expect(pageView(9, 0, 53)).toBe('past-end');
  });

  test('page count', () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(50)).toBe(1);
    expect(pageCount(51)).toBe(2);
  });
});
