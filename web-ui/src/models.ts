// Reading the model registry's metrics.json (written by ml/, kept as-is by the registry) into what the Models
// page shows. Pure functions: unit-tested in models.test.ts.

export interface Interval {
  mean: number;
  low: number | null;
  high: number | null;
  folds: number[];
}

export interface MetricRow {
  model: string; // deep, logistic_regression, ...
  rocAuc: Interval | null;
  prAuc: Interval | null;
  brier: Interval | null;
}

function interval(v: any): Interval | null {
  if (v == null) return null;
  if (typeof v === 'number') return { mean: v, low: null, high: null, folds: [] };
  if (typeof v.mean !== 'number') return null;
  const ci = Array.isArray(v.ci95) ? v.ci95 : [null, null];
  return { mean: v.mean, low: ci[0] ?? null, high: ci[1] ?? null, folds: Array.isArray(v.folds) ? v.folds : [] };
}

/**
 * The model the version serves (the others in metrics.results are its baselines): metrics.curves.served where ml/
 * wrote curves (lead-score: deep; call-win and reply-score: mlp); else deep when evaluated, else the first model in
 * metrics.results (ml/'s pipelines write the exported one first).
 */
export function servedModel(metrics: Record<string, any> | null | undefined): string {
  const s = metrics?.curves?.served;
  if (typeof s === 'string' && s) return s;
  const results = metrics?.results && typeof metrics.results === 'object' ? Object.keys(metrics.results) : [];
  return results.includes('deep') || results.length === 0 ? 'deep' : results[0];
}

/** One row per evaluated model in metrics.results (the served model first), or [] when there are none. */
export function metricRows(metrics: Record<string, any> | null | undefined): MetricRow[] {
  const results = metrics?.results;
  if (!results || typeof results !== 'object') return [];
  const served = servedModel(metrics);
  const rows = Object.entries(results).map(([model, r]: [string, any]) => ({
    model,
    rocAuc: interval(r?.roc_auc),
    prAuc: interval(r?.pr_auc),
    brier: interval(r?.brier),
  }));
  return rows.sort((a, b) => (a.model === served ? -1 : b.model === served ? 1 : a.model.localeCompare(b.model)));
}

/** "Gradient boosting" from "gradient_boosting"; the served model (deep unless said) is "Exported model (deep)". */
export function modelLabel(model: string, served = 'deep'): string {
  if (model === served) return `Exported model (${model.replace(/_/g, ' ')})`;
  const s = model.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ------------------------------------------------------------------------------------------------ curves

export interface RocCurve {
  model: string;
  served: boolean;
  auc: number | null;
  points: [number, number][]; // [false positive rate, true positive rate], (0, 0) to (1, 1)
}

export interface CalibrationCurve {
  model: string;
  served: boolean;
  points: [number, number, number][]; // [mean predicted, observed rate, rows in the bin]
}

export interface LiftBars {
  model: string;
  served: boolean;
  lifts: (number | null)[]; // per score decile, the best-scored first
}

/** metrics.json's `curves` (ml/leadscore/plots.curve_points): the points of the report's ROC, calibration and lift
 * plots, from pooled out-of-fold predictions, for the served model and its baselines (the served one first). */
export interface Curves {
  served: string;
  outcome: string; // what the label counts: conversion, deal-won, reply, donation
  roc: RocCurve[];
  calibration: CalibrationCurve[];
  lift: LiftBars[];
  deciles: number;
  note: string | null; // e.g. that the points come from a re-run that did not reproduce the committed figures
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The curves of a version, or null when its metrics.json has none (trained before ml/ wrote them) or they are
 * malformed; a model whose points are malformed is left out of that chart. */
export function curves(metrics: Record<string, any> | null | undefined): Curves | null {
  const c = metrics?.curves;
  if (!c || typeof c !== 'object' || typeof c.served !== 'string') return null;
  const served: string = c.served;
  const listed: string[] = Array.isArray(c.models) ? c.models.filter((m: unknown) => typeof m === 'string') : [];
  const names = [...new Set([served, ...listed, ...Object.keys(c.roc ?? {}), ...Object.keys(c.calibration ?? {}),
    ...Object.keys(c.lift ?? {})])];
  const roc: RocCurve[] = [];
  const calibration: CalibrationCurve[] = [];
  const lift: LiftBars[] = [];
  for (const model of names) {
    const r = c.roc?.[model];
    if (r && Array.isArray(r.fpr) && Array.isArray(r.tpr) && r.fpr.length === r.tpr.length && r.fpr.length > 1
      && r.fpr.every(num) && r.tpr.every(num)) {
      roc.push({ model, served: model === served, auc: num(r.auc) ? r.auc : null,
        points: r.fpr.map((x: number, i: number) => [x, r.tpr[i]] as [number, number]) });
    }
    const k = c.calibration?.[model];
    if (k && Array.isArray(k.mean_predicted) && Array.isArray(k.observed) && Array.isArray(k.n)
      && k.mean_predicted.length === k.observed.length && k.observed.length === k.n.length
      && [...k.mean_predicted, ...k.observed, ...k.n].every(num)) {
      calibration.push({ model, served: model === served,
        points: k.mean_predicted.map((x: number, i: number) => [x, k.observed[i], k.n[i]] as [number, number, number]) });
    }
    const l = c.lift?.[model];
    if (Array.isArray(l) && l.length > 0 && l.every((v: unknown) => v === null || num(v))) {
      lift.push({ model, served: model === served, lifts: l });
    }
  }
  if (roc.length + calibration.length + lift.length === 0) return null;
  const deciles = Math.max(0, ...lift.map((x) => x.lifts.length));
  return { served, outcome: typeof c.outcome === 'string' ? c.outcome : 'positive', roc, calibration, lift,
    deciles, note: typeof c.note === 'string' ? c.note : null };
}

const GUIDE = { color: '#6b7280', type: 'dashed' as const, width: 1 };
const SERVED_WIDTH = 3;
const BASELINE_WIDTH = 1.5;

function lineStyle(served: boolean) {
  return { width: served ? SERVED_WIDTH : BASELINE_WIDTH, opacity: served ? 1 : 0.75 };
}

function axis(name: string, extra: Record<string, unknown> = {}) {
  return { type: 'value', name, nameLocation: 'middle', nameGap: 30, min: 0, max: 1, ...extra };
}

const fixed = (v: number, d = 3) => v.toFixed(d);
// The legend wraps over up to three rows in half the card's width; the plot starts below it.
const LEGEND = { top: 0, type: 'plain', itemGap: 12, itemWidth: 18, textStyle: { fontSize: 11 } };
const GRID = { left: 56, right: 16, top: 78, bottom: 48 };

/** ECharts option of the ROC chart: a line per model (the served one thicker and on top) and the chance
 * diagonal. */
export function rocOption(c: Curves) {
  return {
    tooltip: { trigger: 'item',
      formatter: (p: any) => `${p.seriesName}<br/>FPR ${fixed(p.value[0])}, TPR ${fixed(p.value[1])}` },
    legend: LEGEND,
    grid: GRID,
    xAxis: axis('False positive rate'),
    yAxis: axis('True positive rate', { nameGap: 40 }),
    series: [
      ...c.roc.map((r) => ({
        type: 'line', name: `${modelLabel(r.model, c.served)}${r.auc != null ? ` (AUC ${fixed(r.auc)})` : ''}`,
        data: r.points, showSymbol: false, z: r.served ? 3 : 2, lineStyle: lineStyle(r.served),
      })),
      { type: 'line', name: 'Chance', data: [[0, 0], [1, 1]], showSymbol: false, silent: true, z: 1,
        color: GUIDE.color, lineStyle: GUIDE },
    ],
  };
}

/** ECharts option of the calibration chart: mean predicted against observed rate per bin (bins of at least 5
 * rows), a line per model, and the perfect-calibration diagonal. */
export function calibrationOption(c: Curves) {
  return {
    tooltip: { trigger: 'item',
      formatter: (p: any) => `${p.seriesName}<br/>predicted ${fixed(p.value[0])}, observed ${fixed(p.value[1])}`
        + (p.value[2] != null ? `<br/>${Number(p.value[2]).toLocaleString('en')} rows` : '') },
    legend: LEGEND,
    grid: GRID,
    xAxis: axis('Mean predicted probability'),
    yAxis: axis(`Observed ${c.outcome} rate`, { nameGap: 40 }),
    series: [
      ...c.calibration.map((k) => ({
        type: 'line', name: modelLabel(k.model, c.served), data: k.points, symbolSize: k.served ? 7 : 5,
        z: k.served ? 3 : 2, lineStyle: lineStyle(k.served),
      })),
      { type: 'line', name: 'Perfect calibration', data: [[0, 0], [1, 1]], showSymbol: false, silent: true, z: 1,
        color: GUIDE.color, lineStyle: GUIDE },
    ],
  };
}

/** ECharts option of the lift chart: bars per score decile (1 = the highest scores) for each model, the served
 * model's opaque and the baselines' lighter, with the no-lift line at 1.0. */
export function liftOption(c: Curves) {
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v == null ? '–' : fixed(v, 2)) },
    legend: LEGEND,
    grid: { ...GRID, top: 48 }, // full width: the legend takes one row
    xAxis: { type: 'category', name: 'Score decile (1 = highest scores)', nameLocation: 'middle', nameGap: 30,
      data: Array.from({ length: c.deciles }, (_, i) => String(i + 1)) },
    yAxis: { type: 'value', name: 'Lift', nameLocation: 'middle', nameGap: 40, min: 0 },
    series: c.lift.map((l, i) => ({
      type: 'bar', name: modelLabel(l.model, c.served), data: l.lifts, z: l.served ? 3 : 2,
      itemStyle: { opacity: l.served ? 1 : 0.5 },
      ...(i === 0 ? { markLine: { symbol: 'none', silent: true, data: [{ yAxis: 1 }], lineStyle: GUIDE,
        label: { formatter: '1.0 (no lift)', position: 'insideEndTop' } } } : {}),
    })),
  };
}

/** Progress of a batch run in [0, 1]; a finished run is 1. */
export function progress(run: { status: string; total: number; done: number }): number {
  if (run.status === 'finished') return 1;
  if (!run.total) return 0;
  return Math.max(0, Math.min(1, run.done / run.total));
}

export interface FeatureDrift {
  feature: string;
  psi: number;
  alert: boolean;
}

/** Drift's features, largest PSI first; [] when drift was not measured. */
export function driftFeatures(drift: Record<string, unknown> | null | undefined): FeatureDrift[] {
  const f = drift?.features;
  if (!Array.isArray(f)) return [];
  return [...f].filter((x) => typeof x?.psi === 'number').sort((a, b) => b.psi - a.psi);
}

/** A model status or served state as one CSS class token: "not loaded yet" -> "not-loaded-yet". */
export function statusClass(status: string): string {
  return status.replace(/\s+/g, '-');
}

/** Status order on the page: active, shadow, validated, registered, retired, invalid; newest version first within. */
export function sortVersions<T extends { status: string; version: string; name: string }>(models: T[]): T[] {
  const order = ['active', 'shadow', 'validated', 'registered', 'retired', 'invalid'];
  const rank = (s: string) => (order.indexOf(s) < 0 ? order.length : order.indexOf(s));
  return [...models].sort((a, b) => a.name.localeCompare(b.name) || rank(a.status) - rank(b.status)
    || b.version.localeCompare(a.version, 'en', { numeric: true }));
}
