import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError } from '../api';
import { EChart } from '../components/EChart';
import { Async, Empty, Loading } from '../components/State';
import {
  applySuggestion, canApply, DraftScorer, EMPTY_DRAFT, factorRows, recipientTime, suggestionEffect,
  type Draft, type DraftScore, type DraftState,
} from '../draft';
import { day, escapeHtml, pct, relative } from '../format';
import {
  chartRows, interval, sequenceName, sortSequences, stepView,
  type SequenceDetail, type SequenceSummary, type StepView,
} from '../sequences';
import { can, type Me } from '../session';
import { useApi } from '../useApi';
import { useRowNav } from '../useRowNav';

const sequencePath = (id: string) => `/emails/sequences/${encodeURIComponent(id)}`;

export function Emails({ me }: { me: Me }) {
  const { id } = useParams();
  const list = useApi<SequenceSummary[]>('/api/v1/sequences');
  const sequences = useMemo(() => sortSequences(list.data ?? []), [list.data]);
  // The sequence in the URL, else the one with the most sends (the URL stays /emails).
  const selected = id ?? sequences[0]?.id ?? null;
  const detail = useApi<SequenceDetail>(selected ? `/api/v1/sequences/${encodeURIComponent(selected)}` : null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function refresh() {
    setMessage(null);
    try {
      const r = await api<{ refreshed: boolean }>('/api/v1/sequences/refresh', { method: 'POST' });
      setMessage({ ok: true, text: r.refreshed ? 'Counts refreshed.' : 'Another instance is refreshing the counts right now.' });
      list.reload();
      detail.reload();
    } catch (e) {
      setMessage({ ok: false, text: `Refreshing failed: ${e instanceof ApiError ? e.detail || e.title : String(e)}` });
    }
  }

  return (
    <section>
      <h1>Emails</h1>
      <div className="card" data-testid="sequences">
        <div className="card-head">
          <h2>Sequences</h2>
          {can.refreshSequences(me.role) && <button type="button" onClick={refresh}>Refresh counts</button>}
        </div>
        {message && <p className={message.ok ? 'notice' : 'form-error'} role="status">{message.text}</p>}
        <Async data={list} what="sequences" stale isEmpty={(d) => d.length === 0}
          empty="No sequence emails yet. A sequence appears once its emails are sent and the counts are refreshed (every few minutes).">
          {(_, stale) => <SequenceTable sequences={sequences} selected={selected} stale={stale} />}
        </Async>
      </div>
      {selected && <SequenceCard data={detail} />}
      <DraftAnalyser />
    </section>
  );
}

function SequenceTable({ sequences, selected, stale }: { sequences: SequenceSummary[]; selected: string | null; stale: boolean }) {
  const navigate = useNavigate();
  const rowProps = useRowNav(sequences.length, (i) => navigate(sequencePath(sequences[i].id)),
    Math.max(0, sequences.findIndex((s) => s.id === selected)));

  return (
    <table className={`sequences rows ${stale ? 'stale' : ''}`} aria-busy={stale}>
      <caption className="visually-hidden">
        Email sequences, most sends first. Use the arrow keys to move between rows and Enter to show a sequence's steps.
      </caption>
      <thead>
        <tr>
          <th scope="col">Sequence</th>
          <th scope="col" className="num">Steps</th>
          <th scope="col">Variants</th>
          <th scope="col" className="num" aria-sort="descending">Sent</th>
          <th scope="col" className="num">Reply rate (interval)</th>
          <th scope="col" className="num">Positive-reply rate</th>
          <th scope="col" className="num">Winners</th>
          <th scope="col">Last sent</th>
        </tr>
      </thead>
      <tbody>
        {sequences.map((s, i) => (
          <tr key={s.id} {...rowProps(i)} data-sequence={s.id} aria-current={s.id === selected ? 'true' : undefined}>
            <th scope="row">
              <Link to={sequencePath(s.id)} tabIndex={-1}>{sequenceName(s)}</Link>
              {s.name && <div className="sub">{s.id}</div>}
            </th>
            <td className="num">{s.steps}</td>
            <td>{s.variants.map((v) => v || '(none)').join(', ')}</td>
            <td className="num">{s.sent.toLocaleString('en')}</td>
            <td className="num">{interval(s.replyRate)}</td>
            <td className="num">{pct(s.positiveRate?.rate, 1)}</td>
            <td className="num">{s.winners > 0 ? <span className="verdict WINNER">{s.winners}</span> : '0'}</td>
            <td><time dateTime={s.lastSentAt ?? undefined}>{relative(s.lastSentAt)}</time></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SequenceCard({ data }: { data: ReturnType<typeof useApi<SequenceDetail>> }) {
  return (
    <div className="card" data-testid="sequence-detail">
      <Async data={data} what="sequence" stale>
        {(d, stale) => <SequenceBody d={d} stale={stale} />}
      </Async>
    </div>
  );
}

function SequenceBody({ d, stale }: { d: SequenceDetail; stale: boolean }) {
  const steps = useMemo(() => d.steps.map(stepView), [d]);
  return (
    <div className={stale ? 'stale' : ''} aria-busy={stale}>
      <h2>{sequenceName(d)} <small className="sub">· {d.steps.length} step{d.steps.length === 1 ? '' : 's'}</small></h2>
      <p className="sub">Reply rate: any reply but an out-of-office; positive: a reply classified interested. Intervals
        are {Math.round(d.confidence * 100)}% Wilson intervals; each variant is tested against the step's control at
        {' '}{Math.round(d.confidence * 100)}% confidence, and the sends still needed are for {Math.round(d.power * 100)}%
        {' '}power. Counts refreshed {relative(d.refreshedAt)}.</p>
      <IntervalChart steps={steps} confidence={d.confidence} />
      <div className="grid two steps">
        {steps.map((s) => <StepCard key={s.step} s={s} />)}
      </div>
    </div>
  );
}

function StepCard({ s }: { s: StepView }) {
  return (
    <div className="step" data-step={s.step}>
      <h3>Step {s.step}</h3>
      <table className="variants">
        <thead>
          <tr>
            <th scope="col">Variant</th><th scope="col" className="num">Sent</th>
            <th scope="col" className="num">Reply rate</th><th scope="col" className="num">Positive</th>
          </tr>
        </thead>
        <tbody>
          {s.rows.map((r) => (
            <tr key={r.variant} className={r.wins.length ? 'winner' : ''} data-variant={r.variant}
              title={`Sent ${day(r.firstSentAt)} – ${day(r.lastSentAt)}`}>
              <th scope="row">
                {r.variant}{r.control && <span className="sub"> (control)</span>}
                {r.wins.length > 0 && <span className="verdict WINNER">
                  wins{r.wins.length === 1 ? (r.wins[0] === 'REPLY' ? ' on replies' : ' on positive') : ' on both'}</span>}
              </th>
              <td className="num">{r.sent.toLocaleString('en')}</td>
              <td className="num">{r.reply}</td>
              <td className="num">{r.positive}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {s.verdicts.length === 0
        ? <p className="sub">One variant only: nothing to compare.</p>
        : (
          <ul className="verdicts">
            {s.verdicts.map((v) => (
              <li key={`${v.metric}-${v.pair}`} data-verdict={v.verdict}>
                <div>
                  <strong>{v.what}</strong>, {v.pair}: <span className={`verdict ${v.verdict}`}>{v.label}</span>
                  {v.needs && <span className="needs"> · {v.needs}</span>}
                </div>
                <div className="sub">{v.detail}</div>
              </li>
            ))}
          </ul>
        )}
    </div>
  );
}

const BAR = '#93c5fd';
const WINNER = '#15803d';

function IntervalChart({ steps, confidence }: { steps: StepView[]; confidence: number }) {
  const rows = useMemo(() => chartRows(steps), [steps]);
  const level = `${Math.round(confidence * 100)}%`;
  const option = useMemo(() => ({
    tooltip: {
      trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: (ps: { dataIndex: number }[]) => {
        const r = rows[ps[0]?.dataIndex ?? 0];
        if (!r) return '';
        return `${escapeHtml(r.label)}${r.winner ? ' (wins)' : ''}<br/>Reply rate ${r.rate.toFixed(1)}%`
          + ` (${r.low.toFixed(1)}–${r.high.toFixed(1)}%)`
          + (r.positive == null ? '' : `<br/>Positive-reply rate ${r.positive.toFixed(1)}%`);
      },
    },
    legend: { bottom: 0, itemGap: 24, data: ['Reply rate', `${level} interval`, 'Positive-reply rate'] },
    grid: { left: 96, right: 24, top: 8, bottom: 52 },
    xAxis: { type: 'value', min: 0, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.label) },
    series: [
      { type: 'bar', name: 'Reply rate', barWidth: '55%', itemStyle: { color: BAR },
        data: rows.map((r) => ({ value: r.rate, itemStyle: { color: r.winner ? WINNER : BAR } })) },
      { type: 'custom', name: `${level} interval`, itemStyle: { color: '#111827' }, z: 3,
        encode: { y: 0, x: [1, 2] }, data: rows.map((r, i) => [i, r.low, r.high]),
        renderItem: (_: unknown, api: any) => {
          const lo = api.coord([api.value(1), api.value(0)]);
          const hi = api.coord([api.value(2), api.value(0)]);
          const cap = api.size([0, 1])[1] * 0.25;
          const style = { stroke: '#111827', lineWidth: 1.5 };
          return { type: 'group', children: [
            { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
            { type: 'line', shape: { x1: lo[0], y1: lo[1] - cap, x2: lo[0], y2: lo[1] + cap }, style },
            { type: 'line', shape: { x1: hi[0], y1: hi[1] - cap, x2: hi[0], y2: hi[1] + cap }, style },
          ] };
        } },
      { type: 'scatter', name: 'Positive-reply rate', symbol: 'diamond', symbolSize: 11, z: 4,
        itemStyle: { color: '#7c3aed' }, data: rows.map((r, i) => [r.positive ?? '-', i]) },
    ],
  }), [rows, level]);
  if (rows.length === 0) return <Empty>No sends to chart.</Empty>;
  const label = `Reply rate by step and variant with ${level} intervals: `
    + rows.map((r) => `${r.label} ${r.rate.toFixed(1)}% (${r.low.toFixed(1)}–${r.high.toFixed(1)}%)${r.winner ? ', wins' : ''}`).join('; ');
  return <EChart option={option} label={label} height={72 + rows.length * 30} />;
}

function DraftAnalyser() {
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [state, setState] = useState<DraftState>({ status: 'empty', result: null, error: null });
  const scorer = useRef<DraftScorer | null>(null);

  useEffect(() => {
    const s = new DraftScorer((req, signal) => api<DraftScore>('/api/v1/emails/drafts/score', {
      method: 'POST', body: JSON.stringify(req), headers: { 'Content-Type': 'application/json' }, signal,
    }), setState);
    scorer.current = s;
    return () => {
      s.dispose();
      scorer.current = null;
    };
  }, []);
  useEffect(() => scorer.current?.update(draft), [draft]);

  const set = (name: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setDraft((d) => ({ ...d, [name]: e.target.value }));

  return (
    <div className="card" data-testid="draft">
      <h2>Draft analyser</h2>
      <div className="grid two draft">
        <form className="editor" aria-label="Draft" onSubmit={(e) => e.preventDefault()}>
          <label htmlFor="draft-subject">Subject</label>
          <input id="draft-subject" value={draft.subject} onChange={set('subject')} autoComplete="off"
            placeholder="Quick question about your pipeline" />
          <label htmlFor="draft-body">Body</label>
          <textarea id="draft-body" value={draft.body} onChange={set('body')} rows={11}
            placeholder={'Hi Ada,\n\n…'} />
          <div className="options">
            <label>Lead id <small>(optional: the recipient)</small>
              <input value={draft.leadId} onChange={set('leadId')} autoComplete="off" placeholder="lead-42" />
            </label>
            <label>Sequence step <small>(optional)</small>
              <input type="number" min={1} step={1} value={draft.step} onChange={set('step')} />
            </label>
            <label>Send at <small>(optional, your time)</small>
              <input type="datetime-local" value={draft.sendAt} onChange={set('sendAt')} />
            </label>
          </div>
        </form>
        <DraftResult state={state} retry={() => scorer.current?.retry()}
          apply={(s) => setDraft((d) => applySuggestion(d, s))} />
      </div>
    </div>
  );
}

function DraftResult({ state, retry, apply }: {
  state: DraftState; retry: () => void; apply: (s: DraftScore['suggestions'][number]) => void;
}) {
  if (state.status === 'empty') {
    return <div className="result"><Empty>Type a subject or a body: the chance of a reply, what drives it and how to
      raise it appear as you type.</Empty></div>;
  }
  if (state.status === 'error') {
    return (
      <div className="result">
        <div className="state error" role="alert" data-testid="draft-error">
          <p>{state.error}</p>
          <button type="button" onClick={retry}>Try again</button>
        </div>
      </div>
    );
  }
  const r = state.result;
  if (!r) return <div className="result"><Loading what="the chance of a reply" /></div>;
  const current = state.status === 'ok';
  const factors = factorRows(r.factors);
  return (
    <div className={`result ${current ? '' : 'stale'}`} aria-busy={!current}>
      <div className="p-reply" data-testid="p-reply" data-current={current} aria-live="polite">
        <span className="big">{pct(r.pReply, 1)}</span>
        <span> chance of a reply{current ? '' : ' (previous draft; updating…)'}</span>
      </div>
      <p className="sub">{r.text.words} word{r.text.words === 1 ? '' : 's'}, {r.text.questions} question
        {r.text.questions === 1 ? '' : 's'} · model {r.model}
        {r.recipient?.localTime && <> · arrives {recipientTime(r.recipient.localTime)} recipient time
          {r.recipient.timezone ? ` (${r.recipient.timezone})` : ''}</>}</p>
      <h3>What drives it</h3>
      {factors.length === 0
        ? <p className="sub">No factor stands out.</p>
        : (
          <ul className="factors" data-testid="draft-factors">
            {factors.map((f) => (
              <li key={`${f.direction}-${f.feature}`} className={f.direction}>
                <span className="bar" style={{ width: `${f.share * 100}%` }} aria-hidden="true" />
                <span className="text">{f.text}</span>
                <span className="num">{f.signed}</span>
              </li>
            ))}
          </ul>
        )}
      <h3>Suggestions</h3>
      {r.suggestions.length === 0
        ? <p className="sub">Nothing to suggest: this draft is as good as the model can tell.</p>
        : (
          <ul className="suggestions" data-testid="suggestions">
            {r.suggestions.map((s, i) => (
              <li key={`${s.kind}-${i}`} data-kind={s.kind}>
                <div className="suggestion-head">
                  <strong>{s.title}</strong>
                  <span className={`num ${s.deltaPoints > 0 ? 'up' : s.deltaPoints < 0 ? 'down' : ''}`}>{suggestionEffect(s)}</span>
                </div>
                <div className="sub">{s.detail}</div>
                {canApply(s) && <button type="button" disabled={!current} onClick={() => apply(s)}
                  aria-label={`Apply: ${s.title}`}>Apply</button>}
              </li>
            ))}
          </ul>
        )}
    </div>
  );
}
