import { useMemo } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { Factor, Lead, ScoreView, TimelineEntry } from '../api';
import { EChart, GRADE_COLORS } from '../components/EChart';
import { Async, Empty } from '../components/State';
import { dateTime, duration, humanize, leadName, pct, relative } from '../format';
import { useApi } from '../useApi';

export function LeadPage() {
  const { id = '' } = useParams();
  const path = `/api/v1/leads/${encodeURIComponent(id)}`;
  const lead = useApi<Lead>(path);
  // On an error ("Not yours", "Not found") only the way back shows, nothing of the lead.
  return (
    <section>
      <p><Link to="/leads">← Leads</Link></p>
      <Async data={lead} what="lead" loading="the lead">{(l) => <LeadView l={l} path={path} />}</Async>
    </section>
  );
}

function LeadView({ l, path }: { l: Lead; path: string }) {
  return (
    <>
      <div className="lead-head">
        <div>
          <h1>{leadName(l)}</h1>
          <p className="sub">{[l.title, l.email, l.country].filter(Boolean).join(' · ')}</p>
          <p className="sub">Owner {l.ownerId ?? 'unassigned'} · {l.status} · source {l.source ?? '–'} · id {l.id}</p>
        </div>
        {l.score
          ? (
            <div className="score-badge" data-testid="lead-score">
              <span className={`grade big g${l.score.grade}`}>{l.score.grade}</span>
              <div><strong>{l.score.score}</strong> / 99<div className="sub">{pct(l.score.probability)} to convert · {l.score.model}</div>
                <div className="sub">scored {relative(l.score.scoredAt)}</div></div>
            </div>
          )
          : <div className="score-badge"><span className="sub">Not scored yet</span></div>}
      </div>
      <div className="grid two">
        <div className="card">
          <h2>Why this score</h2>
          {l.score?.factors?.length ? <Factors factors={l.score.factors} /> : <Empty>No factors recorded for this score.</Empty>}
        </div>
        <div className="card">
          <h2>Score history</h2>
          <History path={`${path}/scores?limit=500`} />
        </div>
      </div>
      <div className="card">
        <h2>Activity</h2>
        <Timeline path={`${path}/activities?limit=100`} />
      </div>
    </>
  );
}

function Factors({ factors }: { factors: Factor[] }) {
  const max = Math.max(...factors.map((f) => Math.abs(f.points)), 1);
  const sorted = [...factors].sort((a, b) => b.points - a.points);
  return (
    <ul className="factors" data-testid="factors">
      {sorted.map((f) => (
        <li key={f.feature + f.text} className={f.direction}>
          <span className="bar" style={{ width: `${(Math.abs(f.points) / max) * 100}%` }} aria-hidden="true" />
          <span className="text">{f.text}</span>
          <span className="num">{f.points > 0 ? '+' : '\u2212'}{Math.abs(f.points).toFixed(1)} pts</span>
        </li>
      ))}
    </ul>
  );
}

function History({ path }: { path: string }) {
  const h = useApi<ScoreView[]>(path);
  const option = useMemo(() => {
    const points = [...(h.data ?? [])].reverse();
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', min: 0, max: 100 },
      series: [{ type: 'line', step: 'end', name: 'Score', symbolSize: 8,
        data: points.map((s) => ({ value: [s.scoredAt, s.score], itemStyle: { color: GRADE_COLORS[s.grade] } })),
        lineStyle: { color: '#64748b' } }],
    };
  }, [h.data]);
  return (
    <Async data={h} what="score history" loading="the score history" isEmpty={(d) => d.length === 0} empty="No scores yet.">
      {(d) => (
        <>
          <p className="sub">{d.length} score{d.length === 1 ? '' : 's'} since {dateTime(d[d.length - 1].scoredAt)}</p>
          <EChart option={option} label={`Score history: ${d.length} scores, now ${d[0].score}`} height={220} />
        </>
      )}
    </Async>
  );
}

function describe(e: TimelineEntry): string {
  const p = e.properties as Record<string, any>;
  switch (e.kind) {
    case 'email': return `Email sent: ${p.subject ?? ''}`;
    case 'reply': return `Replied: ${p.subject ?? ''}`;
    case 'call': return `Call${p.title ? `: ${p.title}` : ''}${p.durationMs ? ` (${duration(p.durationMs / 1000)})` : ''}`;
    default: {
      const detail = p.page ?? p.title ?? p.subject ?? p.name ?? '';
      return `${humanize(e.type)}${detail ? `: ${detail}` : ''}`;
    }
  }
}

function Timeline({ path }: { path: string }) {
  const t = useApi<TimelineEntry[]>(path);
  return (
    <Async data={t} what="activity" loading="the activity" isEmpty={(d) => d.length === 0}
      empty="No activity recorded for this lead.">
      {(d) => (
        <ol className="timeline" data-testid="timeline">
          {d.map((e, i) => (
            <li key={i} className={e.kind}>
              <time dateTime={e.at}>{dateTime(e.at)}</time>
              <span className={`kind ${e.kind}`}>{e.kind}</span>
              <span>{describe(e)}</span>
            </li>
          ))}
        </ol>
      )}
    </Async>
  );
}
