import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { DailyFigures, Overview as OverviewData, ScoreChange } from '../api';
import { EChart, GRADE_COLORS } from '../components/EChart';
import { Async, Empty } from '../components/State';
import {
  CALL_WINDOWS, referencePosition, talkHistogram, windowStart, type CallAggregates, type CallWindow,
} from '../calls';
import { day, leadName, pct, relative, signed } from '../format';
import { addChange, isHot, openScoreStream, type LiveStatus } from '../live';
import type { Me } from '../session';
import { useApi } from '../useApi';

export function Overview({ me }: { me: Me }) {
  const data = useApi<OverviewData>('/api/v1/dashboard/overview?weeks=12');
  return (
    <section>
      <h1>Overview</h1>
      <div className="grid two">
        <div className="card">
          <h2>Open leads by grade</h2>
          <Async data={data} what="the overview" loading="grades" isEmpty={(d) => d.scoredLeads === 0}
            empty="No open lead has a score yet. Scores appear as events arrive.">
            {(d) => <Grades data={d} />}
          </Async>
        </div>
        <LiveScores me={me} />
        <div className="card">
          <h2>Pipeline</h2>
          <Async data={data} what="the pipeline" isEmpty={(d) => d.funnel.every((s) => s.reached === 0)}
            empty="No deals yet.">
            {(d) => <Funnel data={d} />}
          </Async>
        </div>
        <div className="card">
          <h2>Reply rate by week</h2>
          <Async data={data} what="the reply rate" isEmpty={(d) => d.replyTrend.length === 0}
            empty="No emails sent in the last 12 weeks.">
            {(d) => <ReplyTrend data={d} />}
          </Async>
        </div>
        <CallTalk />
      </div>
      {/* Organisation-wide figures: the API gives them to admins only, so nobody else asks. */}
      {me.role === 'admin' && <Daily />}
    </section>
  );
}

/** The last 30 days of the nightly figures (admins). */
function Daily() {
  const days = useApi<DailyFigures[]>(`/api/v1/dashboard/daily?days=${DAILY_DAYS}`);
  return (
    <div className="card" data-testid="daily">
      <h2>Last {DAILY_DAYS} days</h2>
      <Async data={days} what="the daily figures" isEmpty={(d) => d.length === 0}
        empty="Daily figures appear after the first nightly run.">
        {(d) => <DailyChart days={d} />}
      </Async>
    </div>
  );
}

const DAILY_DAYS = 30;

function DailyChart({ days }: { days: DailyFigures[] }) {
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, itemGap: 24 },
    grid: { left: 48, right: 48, top: 28, bottom: 56 },
    xAxis: { type: 'category', data: days.map((d) => day(d.day)) },
    yAxis: [{ type: 'value', name: 'Leads', minInterval: 1 },
      { type: 'value', name: 'Mean score', min: 0, max: 100, splitLine: { show: false } }],
    series: [
      { type: 'bar', name: 'Leads created', data: days.map((d) => d.leadsCreated), itemStyle: { color: '#93c5fd' } },
      { type: 'bar', name: 'Converted', data: days.map((d) => d.leadsConverted), itemStyle: { color: '#15803d' } },
      { type: 'line', name: 'Mean score of open leads', yAxisIndex: 1, connectNulls: false,
        data: days.map((d) => (d.meanScore == null ? null : Number(d.meanScore.toFixed(1)))),
        itemStyle: { color: '#1d4ed8' } },
    ],
  }), [days]);
  const created = days.reduce((n, d) => n + d.leadsCreated, 0);
  const converted = days.reduce((n, d) => n + d.leadsConverted, 0);
  const last = days[days.length - 1];
  const summary = `${created.toLocaleString('en')} leads created, ${converted.toLocaleString('en')} converted`
    + ` from ${day(days[0].day)} to ${day(last.day)}; on ${day(last.day)} ${last.openLeads.toLocaleString('en')} open,`
    + ` mean score ${last.meanScore == null ? '–' : last.meanScore.toFixed(1)}`;
  return (
    <>
      <p className="sub" data-testid="daily-summary">{summary}</p>
      <EChart option={option} label={`Leads created and converted per day, and the mean score: ${summary}`} />
    </>
  );
}

function Grades({ data }: { data: OverviewData }) {
  const option = useMemo(() => {
    const counts = Object.fromEntries(data.grades.map((g) => [g.key, g.count]));
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 16, bottom: 28 },
      xAxis: { type: 'category', data: ['A', 'B', 'C', 'D'] },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: 'Open leads', barWidth: '55%',
        data: ['A', 'B', 'C', 'D'].map((g) => ({ value: counts[g] ?? 0, itemStyle: { color: GRADE_COLORS[g] } })),
        label: { show: true, position: 'top' } }],
    };
  }, [data]);
  const statuses = data.statuses.filter((s) => s.key !== 'open')
    .map((s) => `${s.count.toLocaleString('en')} ${s.key}`).join(', ');
  return (
    <>
      <p className="sub" data-testid="grade-total">{data.scoredLeads.toLocaleString('en')} scored open leads{statuses ? ` · ${statuses}` : ''}</p>
      <EChart option={option} label={`Open leads by grade: ${data.grades.map((g) => `${g.key} ${g.count}`).join(', ')}`} />
    </>
  );
}

function Funnel({ data }: { data: OverviewData }) {
  const option = useMemo(() => ({
    tooltip: { trigger: 'item', formatter: '{b}: {c} deals' },
    series: [{ type: 'funnel', sort: 'none', left: 16, right: 120, top: 8, bottom: 8, minSize: '12%', gap: 2,
      label: { position: 'right', formatter: '{b}: {c}' },
      data: data.funnel.map((s, i) => ({ name: stageLabel(s.stage), value: s.reached,
        itemStyle: { color: FUNNEL_COLORS[i % FUNNEL_COLORS.length] } })) }],
  }), [data]);
  const open = data.funnel.reduce((n, s) => n + s.open, 0);
  return (
    <>
      <p className="sub">Deals that reached each stage · {open.toLocaleString('en')} open now</p>
      <EChart option={option} label={`Deals reaching each stage: ${data.funnel.map((s) => `${stageLabel(s.stage)} ${s.reached}`).join(', ')}`} />
    </>
  );
}

const FUNNEL_COLORS = ['#1e3a8a', '#1d4ed8', '#3b82f6', '#60a5fa', '#15803d'];

function stageLabel(stage: string) {
  return stage === 'closed_won' ? 'Won' : stage.charAt(0).toUpperCase() + stage.slice(1);
}

function ReplyTrend({ data }: { data: OverviewData }) {
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, itemGap: 24 },
    grid: { left: 48, right: 48, top: 12, bottom: 56 },
    xAxis: { type: 'category', data: data.replyTrend.map((w) => day(w.week)) },
    yAxis: [{ type: 'value', minInterval: 1 },
      { type: 'value', axisLabel: { formatter: (v: number) => pct(v) }, min: 0, splitLine: { show: false } }],
    series: [
      { type: 'bar', name: 'Emails sent (weeks from Monday)', data: data.replyTrend.map((w) => w.sent), itemStyle: { color: '#93c5fd' } },
      { type: 'line', name: 'Reply rate', yAxisIndex: 1, data: data.replyTrend.map((w) => (w.sent ? w.replied / w.sent : 0)),
        itemStyle: { color: '#1d4ed8' } },
    ],
  }), [data]);
  const sent = data.replyTrend.reduce((n, w) => n + w.sent, 0);
  const replied = data.replyTrend.reduce((n, w) => n + w.replied, 0);
  return (
    <>
      <p className="sub">{sent.toLocaleString('en')} emails, {pct(sent ? replied / sent : 0, 1)} replied, last 12 weeks</p>
      <EChart option={option} label={`Reply rate per week over the last 12 weeks, ${pct(sent ? replied / sent : 0, 1)} overall`} />
    </>
  );
}

function LiveScores({ me }: { me: Me }) {
  const [changes, setChanges] = useState<ScoreChange[]>([]);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [hotOnly, setHotOnly] = useState(false);
  useEffect(() => openScoreStream((c) => setChanges((l) => addChange(l, c)), setStatus), [me.userId]);
  const shown = hotOnly ? changes.filter(isHot) : changes;
  return (
    <div className="card" data-testid="live">
      <div className="card-head">
        <h2>Leads scored live</h2>
        <span className={`live ${status}`} data-testid="live-status">{status === 'live' ? '● live' : status}</span>
      </div>
      <label className="inline"><input type="checkbox" checked={hotOnly} onChange={(e) => setHotOnly(e.target.checked)} />
        {' '}Hot only (grade A)</label>
      {shown.length === 0
        ? <Empty>{status === 'live' ? 'Waiting for the next score…' : 'Connecting to the score stream…'}</Empty>
        : (
          <ul className="feed" aria-live="polite">
            {shown.map((c) => (
              <li key={c.scoreId} className={isHot(c) ? 'hot' : ''}>
                <span className={`grade g${c.grade}`}>{c.grade}</span>
                <Link to={`/leads/${encodeURIComponent(c.leadId)}`}>{leadName({ id: c.leadId, name: c.name })}</Link>
                <span className="num">{c.score} <small>({signed(c.previousScore == null ? null : c.score - c.previousScore)})</small></span>
                <time dateTime={c.scoredAt}>{relative(c.scoredAt)}</time>
              </li>
            ))}
          </ul>
        )}
    </div>
  );
}

/** The talk-ratio distribution of the analysed calls the caller may see in a window (this week first), against the
 * 43% reference. */
function CallTalk() {
  const [span, setSpan] = useState<CallWindow>('week');
  // computed once per choice: a new instant every render would ask again each time
  const since = useMemo(() => windowStart(span), [span]);
  const data = useApi<CallAggregates>(
    `/api/v1/calls/aggregates?by=rep${since ? `&since=${encodeURIComponent(since)}` : ''}`);
  const h = useMemo(() => (data.data ? talkHistogram(data.data) : null), [data.data]);
  const { phrase } = CALL_WINDOWS.find((w) => w.value === span)!;
  return (
    <div className="card" data-testid="call-talk">
      <div className="card-head">
        <h2>Calls: talk ratio</h2>
        <label>Period <select value={span} onChange={(e) => setSpan(e.target.value as CallWindow)}>
          {CALL_WINDOWS.map((w) => <option key={w.value} value={w.value}>{w.label}</option>)}
        </select></label>
      </div>
      {/* not stale: another period shows the loading state, not the old period's figures under its phrase */}
      <Async data={data} what="the call aggregates" isEmpty={(d) => talkHistogram(d).calls === 0}
        empty={phrase ? `No analysed calls${phrase}.`
          : 'No analysed calls yet. Calls are analysed in the background as they arrive.'}>
        {(d) => <TalkHistogram a={d} h={h!} phrase={phrase} />}
      </Async>
    </div>
  );
}

function TalkHistogram({ a, h, phrase }: { a: CallAggregates; h: ReturnType<typeof talkHistogram>; phrase: string }) {
  const ref = pct(a.talkRatioReference);
  const option = useMemo(() => ({
    grid: { left: 40, right: 16, top: 30, bottom: 44 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: h.labels, name: "rep's share of the talk", nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', minInterval: 1, name: 'calls' },
    series: [{
      name: 'Calls', type: 'bar', data: h.counts, barCategoryGap: '10%',
      markLine: {
        symbol: 'none', silent: true, lineStyle: { color: '#dc2626', type: 'dashed', width: 2 },
        label: { formatter: `${ref} reference`, position: 'end' },
        data: [{ xAxis: referencePosition(a) }],
      },
    }],
  }), [a, h, ref]);
  return (
    <>
      <EChart option={option} height={220}
        label={`Talk ratio of ${h.calls} analysed calls${phrase} in 10% bins, against the ${ref} reference.`} />
      <p className="sub">{h.calls} analysed call{h.calls === 1 ? '' : 's'}{phrase} (of those you may see); mean talk
        ratio {pct(h.mean)} against the {ref} reference.</p>
    </>
  );
}
