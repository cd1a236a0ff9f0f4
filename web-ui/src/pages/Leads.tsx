import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import type { LeadPage as Page } from '../api';
import { Async, Empty } from '../components/State';
import { leadName, relative, signed } from '../format';
import {
  PAGE_SIZE, apiQuery, ariaSort, fromQuery, pageCount, pageView, rangeLabel, searchBox, searchTo,
  setFilter, toQuery, toggleSort,
  type SortKey, type TableState,
} from '../leadTable';
import { scopeLabel, type Me } from '../session';
import { useApi } from '../useApi';
import { useRowNav } from '../useRowNav';

const COLUMNS: { key: SortKey; label: string; num?: boolean }[] = [
  { key: 'name', label: 'Lead' },
  { key: 'score', label: 'Score', num: true },
  { key: 'grade', label: 'Grade' },
  { key: 'change', label: 'Change', num: true },
  { key: 'owner', label: 'Owner' },
  { key: 'lastActivity', label: 'Last activity' },
];

export function Leads({ me }: { me: Me }) {
  const location = useLocation();
  const navigate = useNavigate();
  const state = fromQuery(location.search);
  const data = useApi<Page>(`/api/v1/dashboard/leads?${apiQuery(state)}`);
  const [q, setQ] = useState(state.q);
  // The URL as it is now, for the search box's timer (its closure would hold the URL of when typing began).
  const search = useRef(location.search);
  search.current = location.search;

  const navigateTo = (qs: string) => navigate({ search: qs ? `?${qs}` : '' });
  const go = (next: TableState) => navigateTo(toQuery(next));

  // The URL is the truth: after Back/Forward (or a link) the search box shows the URL's search again.
  useEffect(() => setQ((typed) => searchBox(typed, state.q)), [state.q]);

  // The search box filters after a short pause in typing, on top of whatever the URL holds by then.
  useEffect(() => {
    const t = setTimeout(() => {
      const qs = searchTo(search.current, q);
      if (qs != null) navigateTo(qs);
    }, 300);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);

  const page = data.data;
  const items = page?.items ?? [];
  const rowProps = useRowNav(items.length, (i) => navigate(`/leads/${encodeURIComponent(items[i].id)}`));

  return (
    <section>
      <h1>Leads <small className="sub">· {scopeLabel(me)}</small></h1>
      <form className="filters" role="search" aria-label="Filter leads" onSubmit={(e) => e.preventDefault()}>
        <label>Search
          <input type="search" value={q} placeholder="Name, email, company or id" onChange={(e) => setQ(e.target.value)} />
        </label>
        <label>Grade
          <select value={state.grade} onChange={(e) => go(setFilter(state, 'grade', e.target.value))}>
            <option value="">Any</option>
            {['A', 'B', 'C', 'D'].map((g) => <option key={g} value={g}>{g}</option>)}
          </select>
        </label>
        <label>Owner
          <select value={state.owner} onChange={(e) => go(setFilter(state, 'owner', e.target.value))}>
            <option value="">Anyone</option>
            {(page?.owners ?? []).map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
          </select>
        </label>
        <label>Status
          <select value={state.status} onChange={(e) => go(setFilter(state, 'status', e.target.value))}>
            <option value="">Any</option>
            <option value="open">Open</option>
            <option value="converted">Converted</option>
            <option value="disqualified">Disqualified</option>
          </select>
        </label>
        {data.state === 'ok' && <span className="sub count" data-testid="lead-count" aria-live="polite">
          {rangeLabel(state.page, items.length, page!.total)}</span>}
      </form>

      <Async data={data} what="leads" stale>
        {(p, stale) => {
          const view = pageView(state.page, p.items.length, p.total);
          if (view === 'empty') return <Empty>No leads match these filters.</Empty>;
          if (view === 'past-end') {
            return (
              <Empty>
                Page {state.page + 1} is past the end: {p.total.toLocaleString('en')} lead{p.total === 1 ? '' : 's'}
                {' '}match these filters ({pageCount(p.total)} page{pageCount(p.total) === 1 ? '' : 's'}).{' '}
                <button type="button" onClick={() => go({ ...state, page: 0 })}>Go to the first page</button>
              </Empty>
            );
          }
          return (
            <>
              <table className={`leads rows ${stale ? 'stale' : ''}`} aria-busy={stale}>
                <caption className="visually-hidden">
                  Leads, sorted by {COLUMNS.find((c) => c.key === state.sort)?.label} {state.dir === 'asc' ? 'ascending' : 'descending'}.
                  Use the arrow keys to move between rows and Enter to open a lead.
                </caption>
                <thead>
                  <tr>
                    {COLUMNS.map((c) => (
                      <th key={c.key} scope="col" aria-sort={ariaSort(state, c.key)} className={c.num ? 'num' : ''}>
                        <button type="button" className="sort" onClick={() => go(toggleSort(state, c.key))}>
                          {c.label}<span aria-hidden="true" className="arrow">
                            {state.sort === c.key ? (state.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                        </button>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {p.items.map((l, i) => (
                    <tr key={l.id} {...rowProps(i)} data-lead={l.id}>
                      <th scope="row">
                        <Link to={`/leads/${encodeURIComponent(l.id)}`} tabIndex={-1}>{leadName(l)}</Link>
                        <div className="sub">{[l.title, l.account].filter(Boolean).join(' · ')}</div>
                      </th>
                      <td className="num">{l.score ?? '–'}</td>
                      <td>{l.grade ? <span className={`grade g${l.grade}`}>{l.grade}</span> : '–'}</td>
                      <td className={`num ${l.change && l.change > 0 ? 'up' : l.change && l.change < 0 ? 'down' : ''}`}>
                        {l.score == null ? '–' : signed(l.change)}</td>
                      <td>{l.ownerName ?? l.ownerId ?? 'unassigned'}</td>
                      <td><time dateTime={l.lastActivityAt ?? undefined}>{relative(l.lastActivityAt)}</time></td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <nav className="pager" aria-label="Pages">
                <button type="button" disabled={state.page === 0} onClick={() => go({ ...state, page: state.page - 1 })}>
                  ← Previous</button>
                <span className="sub">Page {state.page + 1} of {pageCount(p.total)}</span>
                <button type="button" disabled={(state.page + 1) * PAGE_SIZE >= p.total}
                  onClick={() => go({ ...state, page: state.page + 1 })}>Next →</button>
              </nav>
            </>
          );
        }}
      </Async>
    </section>
  );
}
