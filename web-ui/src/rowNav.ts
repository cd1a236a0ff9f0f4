// Tables whose rows open something (a lead, a call, a sequence, a deal's call): one row takes Tab, the arrow keys
// move between rows, Enter or Space opens the row, and a click on the row opens it too unless it landed on a link
// in the row (the link goes where it points). Pure functions: unit-tested in rowNav.test.ts; the hook that wires
// them to the rows is useRowNav.ts.

/**
 * Keyboard moves between the table's rows: the index of the row to focus after a key, or null when the key is
 * not one of ours. ArrowDown/ArrowUp one row, Home/End the first/last, PageDown/PageUp ten rows.
 */
export function nextRow(key: string, current: number, rows: number): number | null {
  if (rows === 0) return null;
  const clamp = (i: number) => Math.max(0, Math.min(rows - 1, i));
  switch (key) {
    case 'ArrowDown': return clamp(current + 1);
    case 'ArrowUp': return clamp(current - 1);
    case 'Home': return 0;
    case 'End': return rows - 1;
    case 'PageDown': return clamp(current + 10);
    case 'PageUp': return clamp(current - 10);
    default: return null;
  }
}

/** The row that takes Tab (tabIndex 0): the last one moved to, kept within the rows the page has now. */
export function clampRow(active: number, rows: number): number {
  return Math.max(0, Math.min(active, rows - 1));
}

/** What a key pressed on row `current` does: open that row, move to another, or nothing of ours (null). */
export type RowKeyAction = { open: true } | { move: number } | null;

export function rowKey(key: string, current: number, rows: number): RowKeyAction {
  if (rows === 0) return null;
  if (key === 'Enter' || key === ' ') return { open: true };
  const next = nextRow(key, current, rows);
  return next == null ? null : { move: next };
}

/** Whether an event came from a link inside the row: the link handles it, the row does not open. */
export function fromLink(target: EventTarget | null): boolean {
  const el = target as { closest?: (selector: string) => unknown } | null;
  return typeof el?.closest === 'function' && el.closest('a') != null;
}
