import { Link, useNavigate } from 'react-router-dom';
import { callName, callPath, evidenceLines } from '../calls';
import { Async } from '../components/State';
import { dealTotals, type OpenDeal } from '../deals';
import { days, humanize, money, pct, relative } from '../format';
import { useApi } from '../useApi';
import { useRowNav } from '../useRowNav';

export function Deals() {
  const data = useApi<OpenDeal[]>('/api/v1/deals?status=open');
  return (
    <section>
      <h1>Deals</h1>
      <div className="card" data-testid="deals">
        <h2>Open deals, largest first</h2>
        <Async data={data} what="deals" isEmpty={(d) => d.length === 0}
          empty="No open deals. Deals arrive from the CRM (closer.deal.upserted events).">
          {(d) => <DealTable deals={d} />}
        </Async>
      </div>
    </section>
  );
}

function DealTable({ deals }: { deals: OpenDeal[] }) {
  const navigate = useNavigate();
  const totals = dealTotals(deals);
  // A row opens the deal's latest analysed call; a deal without one has nothing to open.
  const rowProps = useRowNav(deals.length, (i) => {
    const call = deals[i].lastCallId;
    if (call) navigate(callPath(call));
  });

  return (
    <>
      <p className="sub">{totals.deals} open deal{totals.deals === 1 ? '' : 's'}{totals.amounts.length > 0 && <>, {totals.amounts.join(' + ')} in all</>};
        {' '}{totals.warned} with warnings. Win odds and warnings are the latest analysed call's.</p>
      <table className="deals rows">
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
            <tr key={d.id} {...rowProps(i)} data-deal={d.id} className={d.lastCallId ? '' : 'no-open'}>
              <th scope="row">
                {d.name}
                <div className="sub">
                  {d.leadId && <Link to={`/leads/${encodeURIComponent(d.leadId)}`} tabIndex={-1}>{d.leadId}</Link>}
                  {d.lastCallId
                    ? <> · <Link to={callPath(d.lastCallId)} tabIndex={-1}>
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
                        <span className="badge warn">{humanize(w.code)}</span>
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
