import { useEffect, useMemo, useState } from 'react';
import { api, ApiError, type BatchRun, type Drift, type ModelView, type ServedModel } from '../api';
import { EChart } from '../components/EChart';
import { Async, Empty } from '../components/State';
import { dateTime, duration, pct, relative } from '../format';
import {
  calibrationOption, curves, driftFeatures, liftOption, metricRows, modelLabel, progress, rocOption,
  servedModel, sortVersions, statusClass,
} from '../models';
import { can, type Me } from '../session';
import { useApi } from '../useApi';

interface Comparison {
  count: number;
  meanAbsoluteDifference: number | null;
  spearman: number | null;
  gradeAgreement: number | null;
  histogram: { buckets: string[]; active: number[]; shadow: number[] } | null;
}

export function Models({ me }: { me: Me }) {
  const models = useApi<ModelView[]>('/api/v1/models');
  const [selected, setSelected] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const served = useApi<ServedModel[]>('/api/v1/models/served');
  const versions = useMemo(() => sortVersions(models.data ?? []), [models.data]);
  const fromFiles = useMemo(() => (served.data ?? []).map(servedView), [served.data]);
  const current = [...versions, ...fromFiles].find((m) => `${m.name}/${m.version}` === selected)
    ?? versions.find((m) => m.status === 'active') ?? versions[0];

  async function act(label: string, path: string) {
    if (!window.confirm(`${label}?`)) return;
    setMessage(null);
    try {
      const m = await api<ModelView>(path, { method: 'POST' });
      setMessage({ ok: true, text: `${label}: ${m.name}/${m.version} is ${m.status}.` });
      models.reload();
    } catch (e) {
      setMessage({ ok: false, text: `${label} failed: ${e instanceof ApiError ? e.detail || e.title : String(e)}` });
    }
  }

  return (
    <section>
      <h1>Models</h1>
      {message && <p className={message.ok ? 'notice' : 'form-error'} role="status">{message.text}</p>}
      <div className="card">
        <h2>Versions</h2>
        <Async data={models} what="models" stale isEmpty={(d) => d.length === 0} empty="No model is registered.">
          {() => (
            <table className="versions">
              <thead>
                <tr>
                  <th scope="col">Version</th><th scope="col">Status</th><th scope="col">Source</th>
                  <th scope="col" className="num">ROC AUC</th><th scope="col">Validated</th><th scope="col">Activated</th>
                  {can.manageModels(me.role) && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {versions.map((m) => {
                  const key = `${m.name}/${m.version}`;
                  return (
                    <tr key={key} aria-current={current === m ? 'true' : undefined} data-version={key}>
                      <ModelKey model={m} current={current === m} select={setSelected} />
                      <td><span className={`status ${statusClass(m.status)}`}>{m.status}</span></td>
                      <td>{m.source}</td>
                      <AucCell model={m} />
                      <td>{m.validatedAt ? relative(m.validatedAt) : '–'}</td>
                      <td>{m.activatedAt ? relative(m.activatedAt) : '–'}</td>
                      {can.manageModels(me.role) && (
                        <td className="actions">
                          {m.status === 'validated' || m.status === 'retired'
                            ? <button type="button" onClick={() => act(`Activate ${key}`, `/api/v1/models/${m.name}/versions/${m.version}/activate`)}>Activate</button>
                            : null}
                          {m.status === 'active' && versions.some((o) => o.name === m.name && o.status === 'retired')
                            ? <button type="button" onClick={() => act(`Roll back ${m.name}`, `/api/v1/models/${m.name}/rollback`)}>Roll back</button>
                            : null}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Async>
      </div>
      <div className="card" data-testid="served-models">
        <h2>Served from files</h2>
        <p className="sub">The text heads and the reply and call-win models are read from the app's model files
          (closer.models.dir, else the bundles built in), not the registry: each is checked against its parity file
          when it first loads.</p>
        <Async data={served} what="the served models" stale isEmpty={(d) => d.length === 0} empty="No model is served from files.">
          {() => (
            <table className="versions">
              <thead>
                <tr><th scope="col">Model</th><th scope="col">State</th><th scope="col">Read from</th>
                  <th scope="col" className="num">ROC AUC</th></tr>
              </thead>
              <tbody>
                {fromFiles.map((m) => {
                  const key = `${m.name}/${m.version}`;
                  return (
                    <tr key={key} aria-current={current === m ? 'true' : undefined} data-version={key}>
                      <ModelKey model={m} current={current === m} select={setSelected} />
                      <td><span className={`status ${statusClass(m.status)}`} title={m.validation?.error ?? undefined}>{m.status}</span></td>
                      <td><code>{m.source}</code></td>
                      <AucCell model={m} />
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Async>
      </div>
      {current && <VersionDetail model={current} />}
      {can.seeBatch(me.role)
        ? <Batch me={me} />
        : <div className="card"><h2>Batch runs and drift</h2><Empty>Batch runs and drift are shown to managers and admins.</Empty></div>}
    </section>
  );
}

/** A model table's row head: its name/version, a button that opens it in the detail card. */
function ModelKey({ model, current, select }: { model: ModelView; current: boolean; select: (key: string) => void }) {
  const key = `${model.name}/${model.version}`;
  return (
    <th scope="row">
      <button type="button" className="link" onClick={() => select(key)} aria-pressed={current}>{key}</button>
    </th>
  );
}

/** The cross-validated ROC AUC of a model's first metrics row, or a dash. */
function AucCell({ model }: { model: ModelView }) {
  const auc = metricRows(model.metrics)[0]?.rocAuc?.mean;
  return <td className="num">{auc != null ? auc.toFixed(3) : '–'}</td>;
}

/** A served model in the registry's shape, for the same detail card (its state as the status). */
function servedView(s: ServedModel): ModelView {
  return {
    name: s.name, version: s.version, status: s.state, source: s.where, sha256: '', metrics: s.metrics,
    validation: s.state === 'loaded' ? { passed: true } : s.state === 'unavailable' ? { passed: false, error: s.error } : null,
    registeredBy: null, createdAt: '', validatedAt: null, activatedAt: null,
  };
}

function VersionDetail({ model }: { model: ModelView }) {
  const rows = useMemo(() => metricRows(model.metrics), [model.metrics]);
  const served = servedModel(model.metrics);
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0, itemGap: 24 },
    grid: { left: 150, right: 24, top: 32, bottom: 28 },
    xAxis: { type: 'value', min: 0, max: 1 },
    yAxis: { type: 'category', data: rows.map((r) => modelLabel(r.model, served)), inverse: true },
    series: [
      { type: 'bar', name: 'ROC AUC', data: rows.map((r) => r.rocAuc?.mean ?? null) },
      { type: 'bar', name: 'PR AUC', data: rows.map((r) => r.prAuc?.mean ?? null) },
      { type: 'bar', name: 'Brier (lower is better)', data: rows.map((r) => r.brier?.mean ?? null) },
    ],
  }), [rows, served]);
  const dataset = model.metrics?.dataset;
  return (
    <div className="card" data-testid="version-detail">
      <h2>{model.name}/{model.version} <span className={`status ${statusClass(model.status)}`}>{model.status}</span></h2>
      {dataset && <p className="sub">Trained on {dataset.name} ({Number(dataset.rows).toLocaleString('en')} rows
        {dataset.synthetic ? ', synthetic' : ''}), evaluated by {model.metrics?.cv?.folds ?? '?'}-fold cross-validation
        against baselines. Validation: {model.validation?.passed === true ? 'parity passed' : model.validation?.passed === false ? 'failed' : 'not run'}.</p>}
      {rows.length === 0
        ? <Empty>This version's metrics.json has no evaluation results.</Empty>
        : (
          <>
            <EChart option={option} label={`Cross-validated metrics of ${model.name}/${model.version} and its baselines`}
              height={60 + rows.length * 56} />
            <table className="metrics">
              <thead><tr><th scope="col">Model</th><th scope="col" className="num">ROC AUC (95% CI)</th>
                <th scope="col" className="num">PR AUC</th><th scope="col" className="num">Brier</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.model}>
                    <th scope="row">{modelLabel(r.model, served)}</th>
                    <td className="num">{r.rocAuc ? `${r.rocAuc.mean.toFixed(3)}${r.rocAuc.low != null ? ` (${r.rocAuc.low.toFixed(3)}–${r.rocAuc.high!.toFixed(3)})` : ''}` : '–'}</td>
                    <td className="num">{r.prAuc ? r.prAuc.mean.toFixed(3) : '–'}</td>
                    <td className="num">{r.brier ? r.brier.mean.toFixed(3) : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      <CurveCharts model={model} />
      {model.status === 'shadow' && <ShadowComparison model={model} />}
    </div>
  );
}

function CurveCharts({ model }: { model: ModelView }) {
  const curveOptions = useMemo(() => {
    const c = curves(model.metrics);
    return c && { c, roc: rocOption(c), calibration: calibrationOption(c), lift: liftOption(c) };
  }, [model.metrics]);
  const id = `${model.name}/${model.version}`;
  if (!curveOptions) {
    return <Empty>No ROC, calibration or lift curves: this version's metrics.json has no curve points.</Empty>;
  }
  const { c, ...options } = curveOptions;
  const dataset = model.metrics?.dataset;
  const synthetic = dataset?.synthetic === true;
  const about = `${id}, pooled out-of-fold predictions${dataset?.name ? ` on ${dataset.name}` : ''}${synthetic ? ' (synthetic data)' : ''}`;
  return (
    <div data-testid="curves">
      <h3>Curves {synthetic && <span className="status synthetic">synthetic data</span>}</h3>
      <p className="sub">From the pooled out-of-fold predictions of the cross-validation{dataset?.name ? ` on ${dataset.name}` : ''}
        {synthetic ? ' (synthetic data: how well the model recovers the simulator\'s signals, not real-world performance)' : ''};
        {' '}{modelLabel(c.served, c.served).toLowerCase()} drawn thicker, its baselines lighter. The AUC in the ROC legend
        is of the pooled predictions, so it differs a little from the mean over folds in the table.</p>
      {c.note && <p className="sub" role="note">{c.note}</p>}
      <div className="grid two curves">
        <div data-testid="roc-curve">
          <h3>ROC</h3>
          {c.roc.length ? <EChart option={options.roc} label={`ROC curves of ${about}`} height={380} />
            : <Empty>No ROC points.</Empty>}
        </div>
        <div data-testid="calibration-curve">
          <h3>Calibration</h3>
          {c.calibration.length ? <EChart option={options.calibration} label={`Calibration of ${about}`} height={380} />
            : <Empty>No calibration points.</Empty>}
        </div>
      </div>
      <div data-testid="lift-chart">
        <h3>Lift by score decile</h3>
        {c.lift.length ? <EChart option={options.lift} label={`Lift by score decile of ${about}`} height={320} />
          : <Empty>No lift figures.</Empty>}
      </div>
    </div>
  );
}

function ShadowComparison({ model }: { model: ModelView }) {
  const c = useApi<Comparison>(`/api/v1/models/${model.name}/versions/${model.version}/comparison`);
  return (
    <Async data={c} what="the shadow comparison" isEmpty={(d) => !d.count} empty="The shadow has not scored any lead yet.">
      {(d) => (
        <p>Shadow against active on {d.count.toLocaleString('en')} leads: mean difference{' '}
          {d.meanAbsoluteDifference?.toFixed(1)} points, rank correlation {d.spearman?.toFixed(3)}, same grade{' '}
          {pct(d.gradeAgreement)}.</p>
      )}
    </Async>
  );
}

function Batch({ me }: { me: Me }) {
  const runs = useApi<BatchRun[]>('/api/v1/batch/runs?limit=10');
  // Drift is measured at the end of a run: ask for it only once one has finished (the API answers 404 before).
  const finished = runs.data?.some((r) => r.status === 'finished') ?? false;
  const drift = useApi<Drift>(finished ? '/api/v1/batch/drift' : null);
  const [error, setError] = useState<string | null>(null);
  const running = runs.data?.some((r) => r.status === 'running') ?? false;
  const { reload } = runs;
  const reloadDrift = drift.reload;

  // Follow a running run's progress.
  useEffect(() => {
    if (!running) return;
    const t = setInterval(reload, 2000);
    return () => {
      clearInterval(t);
      reloadDrift();
    };
  }, [running, reload, reloadDrift]);

  async function start() {
    if (!window.confirm('Start a batch run that rescores every open lead now?')) return;
    setError(null);
    try {
      await api('/api/v1/batch/runs', { method: 'POST' });
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.detail || e.title : String(e));
    }
  }

  return (
    <div className="grid two">
      <div className="card" data-testid="batch-runs">
        <div className="card-head">
          <h2>Batch runs</h2>
          {can.startBatch(me.role) && <button type="button" onClick={start} disabled={running}>
            {running ? 'A run is in progress' : 'Start a batch run'}</button>}
        </div>
        {error && <p className="form-error" role="alert">{error}</p>}
        <Async data={runs} what="batch runs" stale isEmpty={(d) => d.length === 0}
          empty="No batch run yet. The nightly run starts at 02:00.">
          {(d) => (
            <ul className="runs">
              {d.map((r) => (
                <li key={r.id} data-run={r.id}>
                  <div className="run-head">
                    <strong>Run {r.id}</strong> <span className={`status ${r.status}`}>{r.status}</span>
                    <span className="sub"> · {r.trigger}{r.requestedBy ? ` by ${r.requestedBy}` : ''} · {dateTime(r.createdAt)}</span>
                  </div>
                  <progress max={1} value={progress(r)} aria-label={`Run ${r.id} progress`} />
                  <div className="sub">{r.done.toLocaleString('en')} of {r.total.toLocaleString('en')} leads
                    ({pct(progress(r))}) · {r.changed.toLocaleString('en')} changed · {r.failed} failed
                    {r.leadsPerSecond ? ` · ${Math.round(r.leadsPerSecond)} leads/s` : ''}
                    {r.status === 'running' && r.etaSeconds != null ? ` · about ${duration(r.etaSeconds)} left` : ''}</div>
                </li>
              ))}
            </ul>
          )}
        </Async>
      </div>
      <div className="card" data-testid="drift">
        <h2>Drift</h2>
        {runs.data && !finished
          ? <Empty>No batch run has finished yet; drift is measured at the end of each run.</Empty>
          : <DriftChart drift={drift} />}
      </div>
    </div>
  );
}

function DriftChart({ drift }: { drift: ReturnType<typeof useApi<Drift>> }) {
  const features = driftFeatures(drift.data);
  const alertAt = typeof drift.data?.alertAt === 'number' ? drift.data.alertAt : 0.2;
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' },
    grid: { left: 150, right: 40, top: 24, bottom: 28 },
    xAxis: { type: 'value', name: 'PSI' },
    yAxis: { type: 'category', inverse: true, data: features.map((f) => f.feature) },
    series: [{ type: 'bar', name: 'PSI',
      data: features.map((f) => ({ value: Number(f.psi.toFixed(4)), itemStyle: { color: f.alert ? '#dc2626' : '#2563eb' } })),
      markLine: { symbol: 'none', data: [{ xAxis: alertAt, name: 'alert' }], lineStyle: { color: '#dc2626', type: 'dashed' },
        label: { formatter: `alert ${alertAt}`, position: 'start' } } }],
  }), [features, alertAt]);
  return (
    // The API answers 404 until a run has measured drift.
    <Async data={drift} what="drift" stale isEmpty={() => features.length === 0}
      empty={`Drift was not measured by the last run (${String(drift.data?.reason ?? 'no reference data')}).`}
      onError={(e) => (e instanceof ApiError && e.status === 404
        ? <Empty>No batch run has finished yet; drift is measured at the end of each run.</Empty> : undefined)}>
      {(d) => (
        <>
          <p className="sub">Population stability of each input and of the score against the training data, run {d.runId},
            {' '}{dateTime(d.measuredAt)}, model {String(d.modelVersion)}. At or above {alertAt} is an alert.</p>
          <EChart option={option} label={`Drift by feature; ${features.filter((f) => f.alert).length} at or above ${alertAt}`}
            height={40 + features.length * 22} />
        </>
      )}
    </Async>
  );
}
