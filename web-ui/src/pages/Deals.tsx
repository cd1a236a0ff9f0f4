import { useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { callName, warningLabel, evidenceLines } from '../calls';
import { Async } from '../components/State';
import { days, dealTotals, money, type OpenDeal } from '../deals';
import { humanize, pct, relative } from '../format';
import { clampRow, nextRow } from '../leadTable';
import { useApi } from '../useApi';

export function Deals() {
  const data = useApi<OpenDeal[]>('/api/v1/deals?status=open');
  return (
    <section>
      <h1>Deals</h1>
      <div className="card" data-testid="deals">
        <h2>Open deals, largest first</h2>
        <Async data={data} what="deals" stale isEmpty={(d) => d.length === 0}
          empty="No open deals. Deals arrive from the CRM (closer.deal.upserted events).">
          {(d, stale) => <DealTable deals={d} stale={stale} />}
        </Async>
      </div>
    </section>
  );
}

function DealTable({ deals, stale }: { deals: OpenDeal[]; stale: boolean }) {
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  const [lastActive, setActive] = useState(0);
  const active = clampRow(lastActive, deals.length);
  const totals = dealTotals(deals);

  function onRowKey(e: React.KeyboardEvent, i: number) {
    if (e.key === 'Enter') {
      const link = rows.current[i]?.querySelector<HTMLAnchorElement>('a[data-open]');
      if (link) {
        e.preventDefault();
        link.click();
      }
      return;
    }
    const next = nextRow(e.key, i, deals.length);
    if (next != null) {
      e.preventDefault();
      setActive(next);
      rows.current[next]?.focus();
    }
  }

  return (
    <>
      <p className="sub">{totals.deals} open deal{totals.deals === 1 ? '' : 's'}{totals.amounts.length > 0 && <>, {totals.amounts.join(' + ')} in all</>};
        {' '}{totals.warned} with warnings. Win odds and warnings are the latest analysed call's.</p>
      <table className={`deals rows ${stale ? 'stale' : ''}`} aria-busy={stale}>
        <caption className="visually-hidden">
          Open deals, largest first. Use the arrow keys to move between rows and Enter to open the deal's latest call.
        </caption>
        <thead>
          <tr>
            <th scope="col">Deal</th>
            <th scope="col">Stage</th>
            <th scope="col" className="num" aria-sort="descending">Amount</th>
            <th scope="col">Owner</th>
            <th scope="col" className="num">In stage</th>
            <th scope="col" className="num">Win odds</th>
            <th scope="col">Warnings</th>
          </tr>
        </thead>
        <tbody>
          {deals.map((d, i) => (
            <tr key={d.id} ref={(el) => { rows.current[i] = el; }} tabIndex={i === active ? 0 : -1} data-deal={d.id}
              onKeyDown={(e) => onRowKey(e, i)} onFocus={() => setActive(i)}>
              <th scope="row">
                {d.name}
                <div className="sub">
                  {d.leadId && <Link to={`/leads/${encodeURIComponent(d.leadId)}`} tabIndex={-1}>{d.leadId}</Link>}
                  {d.lastCallId
                    ? <> · <Link to={`/calls/${encodeURIComponent(d.lastCallId)}`} tabIndex={-1} data-open>
                      {callName({ id: d.lastCallId, title: null })}</Link> {relative(d.lastCallAt)}, {d.calls} analysed</>
                    : ' · no analysed call'}
                </div>
              </th>
              <td>{humanize(d.stage)}</td>
              <td className="num">{money(d.amount, d.currency)}</td>
              <td>{d.ownerId ?? '–'}</td>
              <td className="num">{days(d.daysInStage)}</td>
              <td className="num">{pct(d.winProbability)}</td>
              <td>
                {d.warnings.length === 0 ? <span className="sub">none</span> : (
                  <ul className="warnings compact">
                    {d.warnings.map((w) => (
                      <li key={w.code} title={[w.message, ...evidenceLines(w.evidence)].join('\n')}>
                        <span className="badge warn">{warningLabel(w.code)}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
