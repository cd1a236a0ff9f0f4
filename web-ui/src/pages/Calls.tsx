import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  callName, callPath, evidenceLines, hitsByTracker, interruptions, longPauses, timelineBars, tonePoints, utteranceOf, type CallDetail, type CallPage as CallPageData, type CallSummary, type TrackerHit, type Warning,
} from '../calls';
import { EChart, PALETTE } from '../components/EChart';
import { Async, Empty } from '../components/State';
import { clock, dateTime, escapeHtml, humanize, pct, points } from '../format';
import { useApi } from '../useApi';
import { useRowNav } from '../useRowNav';

const ROLE_COLORS: Record<string, string> = { rep: PALETTE[0], prospect: PALETTE[1], other: '#64748b' };

export function Calls() {
  const list = useApi<CallPageData>('/api/v1/calls?limit=200');
  return (
    <section>
      <h1>Calls</h1>
      <div className="card" data-testid="calls">
        <h2>Calls, newest first</h2>
        <Async data={list} what="calls" isEmpty={(d) => d.calls.length === 0}
          empty="No calls yet. Calls arrive from POST /api/v1/calls, the events API or a CRM webhook and are analysed in the background.">
          {(d) => <CallTable calls={d.calls} more={d.nextOffset != null} />}
        </Async>
      </div>
    </section>
  );
}

function CallTable({ calls, more }: { calls: CallSummary[]; more: boolean }) {
  const navigate = useNavigate();
  const rowProps = useRowNav(calls.length, (i) => navigate(callPath(calls[i].id)));

  return (
    <>
      <table className="calls rows">
        <caption className="visually-hidden">
          Calls, newest first. Use the arrow keys to move between rows and Enter to open a call.
        </caption>
        <thead>
          <tr>
            <th scope="col">Call</th>
            <th scope="col">Started</th>
            <th scope="col" className="num">Duration</th>
            <th scope="col" className="num" title="Rep's share of the talk; 43% is the published winning reference">Talk ratio</th>
            <th scope="col" className="num">Questions</th>
            <th scope="col" className="num">Longest monologue</th>
            <th scope="col" className="num">Warnings</th>
            <th scope="col" className="num">Win odds</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((c, i) => (
            <tr key={c.id} {...rowProps(i)} data-call={c.id}>
              <th scope="row">
                <Link to={callPath(c.id)} tabIndex={-1}>{callName(c)}</Link>
                <div className="sub">{[c.leadId, c.dealId].filter(Boolean).join(' · ')}
                  {c.status !== 'analysed' && <> · <span className={`status ${c.status}`}>{c.status}</span></>}</div>
              </th>
              <td><time dateTime={c.startedAt ?? undefined}>{dateTime(c.startedAt)}</time></td>
              <td className="num">{clock(c.durationMs)}</td>
              <td className="num">{pct(c.talkRatio)}</td>
              <td className="num">{c.questions ?? '–'}</td>
              <td className="num">{clock(c.longestMonologueMs)}</td>
              <td className="num">{c.warnings ? <span className="badge warn">{c.warnings}</span> : c.warnings ?? '–'}</td>
              <td className="num">{pct(c.winProbability)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {more && <p className="sub">Showing the newest {calls.length} calls.</p>}
    </>
  );
}

export function CallPage() {
  const { id } = useParams();
  const data = useApi<CallDetail>(`/api/v1/calls/${encodeURIComponent(id!)}`);
  return (
    <section>
      <p><Link to="/calls">← Calls</Link></p>
      <Async data={data} what="call">
        {(d) => <CallBody d={d} />}
      </Async>
    </section>
  );
}

function CallBody({ d }: { d: CallDetail }) {
  const [selected, setSelected] = useState<number | null>(null);
  const a = d.analysis;

  function jump(hit: TrackerHit) {
    const target = utteranceOf(hit, d.utterances);
    if (!target) return;
    setSelected(target.index);
    const el = document.getElementById(`utterance-${target.index}`);
    el?.scrollIntoView({ block: 'center' });
    el?.focus({ preventScroll: true });
  }

  return (
    <div data-testid="call-detail">
      <h1>{callName(d)}</h1>
      <p className="sub">{dateTime(d.startedAt)} · {clock(d.durationMs)} · lead{' '}
        {d.leadId ? <Link to={`/leads/${encodeURIComponent(d.leadId)}`}>{d.leadId}</Link> : '–'}
        {d.dealId && <> · deal {d.dealId}</>}</p>
      {!a && (
        <Empty>{d.status === 'failed'
          ? `The analysis failed: ${d.analysisError ?? 'no reason given'}.`
          : 'This call is queued for analysis; metrics, tone, trackers and warnings appear when it is done.'}</Empty>
      )}
      {a && (
        <div className="grid four kpis" data-testid="call-metrics">
          <Kpi label="Win odds" value={pct(a.winProbability)}
            note={a.winProbability == null ? (d.dealId ? 'no model' : 'no deal') : 'p(won), call-win model'} />
          <Kpi label="Talk ratio" value={pct(a.metrics.talkRatio)} note="reference 43%" />
          <Kpi label="Longest monologue" value={clock(a.metrics.longestRepMonologue?.durationMs)} note="rep" />
          <Kpi label="Interruptions" value={String(a.metrics.interruptions ?? '–')}
            note={`${longPauses(a.metrics.silences).length} pauses ≥ 3 s`} />
        </div>
      )}
      <div className="card">
        <h2>Speaker timeline</h2>
        {d.utterances.length === 0 ? <Empty>This call has no utterances.</Empty>
          : <Timeline d={d} />}
      </div>
      {a && (
        <div className="grid two">
          <div className="card">
            <h2>Tone</h2>
            {(a.tone?.prospect.length ?? 0) + (a.tone?.rep.length ?? 0) === 0
              ? <Empty>No tone curve for this call.</Empty> : <ToneChart d={d} />}
          </div>
          <div className="card" data-testid="warnings">
            <h2>Warnings</h2>
            <Warnings warnings={a.warnings ?? []} hasDeal={d.dealId != null} />
          </div>
        </div>
      )}
      <div className="grid two transcript-grid">
        {a && (
          <div className="card" data-testid="tracker-hits">
            <h2>Tracker hits</h2>
            <Hits hits={a.trackerHits ?? []} selected={selected} onJump={jump} />
          </div>
        )}
        <div className="card">
          <h2>Transcript</h2>
          <ol className="transcript" data-testid="transcript">
            {d.utterances.map((u) => (
              <li key={u.index} id={`utterance-${u.index}`} tabIndex={-1} data-index={u.index}
                className={`${u.role} ${selected === u.index ? 'highlight' : ''}`}
                aria-current={selected === u.index ? 'true' : undefined}>
                <span className="when">{clock(u.startMs)}</span>
                <strong className="who">{u.speaker}</strong>
                <span className="what">{u.text}</span>
              </li>
            ))}
          </ol>
        </div>
      </div>
    </div>
  );
}

function Kpi({ label, value, note }: { label: string; value: string; note: string }) {
  return (
    <div className="kpi">
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      <div className="sub">{note}</div>
    </div>
  );
}

function Timeline({ d }: { d: CallDetail }) {
  const { option, rows, cuts, pauses } = useMemo(() => {
    const t = timelineBars(d.utterances);
    const cuts = interruptions(d.utterances);
    const pauses = longPauses(d.analysis?.metrics.silences);
    const rowOf = new Map(t.rows.map((r, i) => [r, i]));
    const text = new Map(d.utterances.map((u) => [u.index, u]));
    const option = {
      grid: { left: 130, right: 24, top: 30, bottom: 40 },
      legend: { top: 0, data: ['Speech', 'Interruption', 'Pause ≥ 3 s'] },
      tooltip: {
        trigger: 'item',
        formatter: (p: { seriesName: string; value: number[] }) => {
          if (p.seriesName === 'Pause ≥ 3 s') return `Pause ${clock(p.value[0])}–${clock(p.value[1])} (${((p.value[1] - p.value[0]) / 1000).toFixed(1)} s)`;
          const u = text.get(p.value[3])!;
          const head = `${escapeHtml(u.speaker)} · ${clock(u.startMs)}–${clock(u.endMs)}`;
          return p.seriesName === 'Interruption' ? `${head}<br/>interrupts` : `${head}<br/>${escapeHtml(u.text.slice(0, 120))}`;
        },
      },
      xAxis: { type: 'value', min: 0, max: Math.max(d.durationMs, ...d.utterances.map((u) => u.endMs)),
        axisLabel: { formatter: (v: number) => clock(v) } },
      yAxis: { type: 'category', data: t.rows, inverse: true,
        axisLabel: { formatter: (v: string) => `${v} (${t.roles[rowOf.get(v)!]})` } },
      series: [
        {
          name: 'Pause ≥ 3 s', type: 'custom', data: pauses.map((s) => [s.startMs, s.endMs]), z: 1,
          itemStyle: { color: 'rgba(245, 158, 11, 0.25)' },
          renderItem: (params: any, api: any) => {
            const from = api.coord([api.value(0), 0]);
            const to = api.coord([api.value(1), 0]);
            return { type: 'rect', shape: { x: from[0], y: params.coordSys.y, width: Math.max(1, to[0] - from[0]),
              height: params.coordSys.height }, style: api.style() };
          },
          encode: { x: [0, 1] },
        },
        {
          name: 'Speech', type: 'custom', data: t.bars.map((b) => ({
            value: b, itemStyle: { color: ROLE_COLORS[t.roles[b[0]]] ?? ROLE_COLORS.other } })), z: 2,
          renderItem: (_: any, api: any) => {
            const start = api.coord([api.value(1), api.value(0)]);
            const end = api.coord([api.value(2), api.value(0)]);
            const h = api.size([0, 1])[1] * 0.55;
            return { type: 'rect', shape: { x: start[0], y: start[1] - h / 2, width: Math.max(1, end[0] - start[0]), height: h },
              style: api.style() };
          },
          encode: { x: [1, 2], y: 0 },
        },
        {
          name: 'Interruption', type: 'scatter', symbol: 'triangle', symbolSize: 11, symbolRotate: 180, z: 3,
          itemStyle: { color: PALETTE[3] },
          data: cuts.map((c) => [c.atMs, rowOf.get(c.speaker)!, 0, c.index]),
          encode: { x: 0, y: 1 },
        },
      ],
    };
    // The analysis' count of interruptions where there is one (the same rule as interruptions()).
    return { option, rows: t.rows.length, cuts: d.analysis?.metrics.interruptions ?? cuts.length, pauses: pauses.length };
  }, [d]);
  return (
    <div data-testid="timeline">
      <EChart option={option} height={90 + rows * 44}
        label={`Speaker timeline: ${rows} speakers, ${d.utterances.length} utterances, ${cuts} interruptions, ${pauses} pauses of 3 s or more.`} />
    </div>
  );
}

function ToneChart({ d }: { d: CallDetail }) {
  const option = useMemo(() => ({
    grid: { left: 48, right: 16, top: 30, bottom: 40 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => pct(v) },
    xAxis: { type: 'value', name: 'minutes', nameLocation: 'middle', nameGap: 26, min: 0 },
    yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => pct(v) } },
    series: [
      { name: 'Prospect', type: 'line', smooth: true, data: tonePoints(d.analysis?.tone?.prospect), color: ROLE_COLORS.prospect },
      { name: 'Rep', type: 'line', smooth: true, data: tonePoints(d.analysis?.tone?.rep), color: ROLE_COLORS.rep },
    ],
  }), [d]);
  const trend = d.analysis?.prospectToneTrend;
  return (
    <>
      <EChart option={option} height={220} label="Tone over the call: probability the prospect's and the rep's utterances are positive." />
      <p className="sub">p(positive) per stretch of the call. Prospect's trend:{' '}
        {trend == null ? '–' : points(trend * 100, ' points per minute')}.</p>
    </>
  );
}

function Warnings({ warnings, hasDeal }: { warnings: Warning[]; hasDeal: boolean }) {
  if (warnings.length === 0) {
    return <Empty>{hasDeal ? 'No warnings for this deal.' : 'No warnings: this call has no deal.'}</Empty>;
  }
  return (
    <ul className="warnings">
      {warnings.map((w) => {
        const evidence = evidenceLines(w.evidence);
        return (
          <li key={w.code} data-warning={w.code}>
            <strong>{humanize(w.code)}</strong>: {w.message}
            {evidence.length > 0 && <ul className="evidence sub">{evidence.map((l) => <li key={l}>{l}</li>)}</ul>}
          </li>
        );
      })}
    </ul>
  );
}

function Hits({ hits, selected, onJump }: { hits: TrackerHit[]; selected: number | null; onJump: (h: TrackerHit) => void }) {
  const groups = hitsByTracker(hits);
  if (groups.length === 0) return <Empty>No tracker fired on this call.</Empty>;
  return (
    <div className="hits">
      {groups.map((g) => (
        <div key={g.tracker}>
          <h3>{g.tracker} <small className="sub">· {g.hits.length}</small></h3>
          <ul>
            {g.hits.map((h) => (
              <li key={`${h.index}-${h.kind}-${h.match ?? ''}`}>
                <button type="button" className={`hit link ${selected === h.index ? 'active' : ''}`}
                  data-hit-index={h.index} onClick={() => onJump(h)}>
                  {clock(h.startMs)} {h.speaker}
                </button>
                {' '}<span className="sub">{h.kind}{h.similarity != null ? ` ${h.similarity.toFixed(2)}` : ''}: “{h.match ?? h.text.slice(0, 80)}”</span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
