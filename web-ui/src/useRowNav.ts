import { useRef, useState } from 'react';
import { clampRow, fromLink, rowKey } from './rowNav';

/**
 * Keyboard and mouse for a table of rows that open something (rules in rowNav.ts): spread rowProps(i) on row i.
 * `open(i)` opens row i; `initial` is the row that takes Tab at first.
 */
export function useRowNav(count: number, open: (i: number) => void, initial = 0) {
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  const [lastActive, setActive] = useState(initial);
  const active = clampRow(lastActive, count); // a shorter list keeps one row reachable by Tab

  return function rowProps(i: number) {
    return {
      ref: (el: HTMLTableRowElement | null) => { rows.current[i] = el; },
      tabIndex: i === active ? 0 : -1,
      onFocus: () => setActive(i),
      onKeyDown: (e: React.KeyboardEvent) => {
        const action = rowKey(e.key, i, count);
        if (!action) return;
        if ('open' in action) {
          if (fromLink(e.target)) return;
          e.preventDefault();
          open(i);
          return;
        }
        e.preventDefault();
        setActive(action.move);
        rows.current[action.move]?.focus();
      },
      onClick: (e: React.MouseEvent) => { if (!fromLink(e.target)) open(i); },
    };
  };
}
