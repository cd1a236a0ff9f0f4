// The lead table's state: sort, filters and page, kept in the URL's query string so a view can be linked and
// survives a reload. Pure functions: unit-tested in leadTable.test.ts.

export type SortKey = 'score' | 'grade' | 'change' | 'owner' | 'lastActivity' | 'name';
export type Dir = 'asc' | 'desc';

export interface TableState {
  sort: SortKey;
  dir: Dir;
  grade: string; // '' = any
  owner: string; // '' = any
  status: string; // '' = any
  q: string;
  page: number; // 0-based
}

export const PAGE_SIZE = 50;
export const SORT_KEYS: SortKey[] = ['score', 'grade', 'change', 'owner', 'lastActivity', 'name'];
const GRADES = ['A', 'B', 'C', 'D'];
const STATUSES = ['open', 'converted', 'disqualified'];

export const DEFAULT_STATE: TableState = {
  sort: 'score', dir: 'desc', grade: '', owner: '', status: 'open', q: '', page: 0,
};

/** The direction a column sorts in when first clicked: names and owners A→Z, numbers and dates largest first. */
export function firstDir(key: SortKey): Dir {
  return key === 'name' || key === 'owner' || key === 'grade' ? 'asc' : 'desc';
}

/** Clicking a column header: the same column flips direction, another starts at its natural one; page 1 again. */
export function toggleSort(state: TableState, key: SortKey): TableState {
  const dir: Dir = state.sort === key ? (state.dir === 'asc' ? 'desc' : 'asc') : firstDir(key);
  return { ...state, sort: key, dir, page: 0 };
}

/** A filter changed: back to the first page. */
export function setFilter(state: TableState, name: 'grade' | 'owner' | 'status' | 'q', value: string): TableState {
  return { ...state, [name]: value, page: 0 };
}

/** The aria-sort value of a column header. */
export function ariaSort(state: TableState, key: SortKey): 'ascending' | 'descending' | 'none' {
  if (state.sort !== key) return 'none';
  return state.dir === 'asc' ? 'ascending' : 'descending';
}

/** URL query string -> state; anything unknown falls back to the default. */
export function fromQuery(search: string): TableState {
  const p = new URLSearchParams(search);
  const sort = p.get('sort') as SortKey | null;
  const dir = p.get('dir');
  const grade = (p.get('grade') ?? '').toUpperCase();
  const status = p.get('status');
  const page = Number.parseInt(p.get('page') ?? '1', 10);
  return {
    sort: sort && SORT_KEYS.includes(sort) ? sort : DEFAULT_STATE.sort,
    dir: dir === 'asc' || dir === 'desc' ? dir : DEFAULT_STATE.dir,
    grade: GRADES.includes(grade) ? grade : '',
    owner: p.get('owner') ?? '',
    status: status === null ? DEFAULT_STATE.status : STATUSES.includes(status) ? status : '',
    q: p.get('q') ?? '',
    page: Number.isFinite(page) && page > 1 ? page - 1 : 0,
  };
}

/** State -> URL query string (pages counted from 1; defaults left out). */
export function toQuery(s: TableState): string {
  const p = new URLSearchParams();
  if (s.sort !== DEFAULT_STATE.sort) p.set('sort', s.sort);
  if (s.dir !== DEFAULT_STATE.dir) p.set('dir', s.dir);
  if (s.grade) p.set('grade', s.grade);
  if (s.owner) p.set('owner', s.owner);
  if (s.status !== DEFAULT_STATE.status) p.set('status', s.status);
  if (s.q.trim()) p.set('q', s.q.trim());
  if (s.page > 0) p.set('page', String(s.page + 1));
  return p.toString();
}

/** State -> the API's query string for GET /api/v1/dashboard/leads. */
export function apiQuery(s: TableState): string {
  const p = new URLSearchParams({ sort: s.sort, dir: s.dir, offset: String(s.page * PAGE_SIZE),
    limit: String(PAGE_SIZE) });
  if (s.grade) p.set('grade', s.grade);
  if (s.owner) p.set('owner', s.owner);
  if (s.status) p.set('status', s.status);
  if (s.q.trim()) p.set('q', s.q.trim());
  return p.toString();
}

/**
 * The search box: the query string to navigate to once typing pauses, built from the URL as it is then (a
 * filter or sort changed meanwhile is kept), or null when the URL already searches for what was typed.
 */
export function searchTo(search: string, typed: string): string | null {
  const now = fromQuery(search);
  if (now.q.trim() === typed.trim()) return null;
  return toQuery(setFilter(now, 'q', typed));
}

/**
 * What the search box shows when the URL's search changes (Back/Forward, a link): the URL's, unless it is what
 * was typed already (the URL keeps it trimmed: a trailing space being typed stays).
 */
export function searchBox(typed: string, fromUrl: string): string {
  return typed.trim() === fromUrl.trim() ? typed : fromUrl;
}

/** Pages the total fills (at least 1). */
export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

/** What a page of the table shows: rows, nothing matches the filters, or the page lies past the last one. */
export function pageView(page: number, shown: number, total: number): 'rows' | 'empty' | 'past-end' {
  if (shown > 0) return 'rows';
  return total > 0 && page * PAGE_SIZE >= total ? 'past-end' : 'empty';
}

/** "1–50 of 1,234"; "0 of 0"; past the last page "none of 53". */
export function rangeLabel(page: number, shown: number, total: number): string {
  if (shown === 0) return `${total > 0 ? 'none' : '0'} of ${total.toLocaleString('en')}`;
  const from = page * PAGE_SIZE + 1;
  return `${from.toLocaleString('en')}–${(from + shown - 1).toLocaleString('en')} of ${total.toLocaleString('en')}`;
}
