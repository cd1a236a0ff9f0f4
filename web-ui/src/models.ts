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

/** One row per evaluated model in metrics.results (the served model first), or [] when there are none. */
export function metricRows(metrics: Record<string, any> | null | undefined): MetricRow[] {
  const results = metrics?.results;
  if (!results || typeof results !== 'object') return [];
  const rows = Object.entries(results).map(([model, r]: [string, any]) => ({
    model,
    rocAuc: interval(r?.roc_auc),
    prAuc: interval(r?.pr_auc),
    brier: interval(r?.brier),
  }));
  return rows.sort((a, b) => (a.model === 'deep' ? -1 : b.model === 'deep' ? 1 : a.model.localeCompare(b.model)));
}

/** "Gradient boosting" from "gradient_boosting"; "deep" is the model that was exported. */
export function modelLabel(model: string): string {
  if (model === 'deep') return 'Exported model (deep)';
  const s = model.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The curves ml/ would need to export for ROC, calibration and lift plots, if any are present. */
export function curves(metrics: Record<string, any> | null | undefined): string[] {
  const c = metrics?.curves;
  return c && typeof c === 'object' ? Object.keys(c) : [];
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

/** Status order on the page: active, shadow, validated, registered, retired, invalid; newest version first within. */
export function sortVersions<T extends { status: string; version: string; name: string }>(models: T[]): T[] {
  const order = ['active', 'shadow', 'validated', 'registered', 'retired', 'invalid'];
  const rank = (s: string) => (order.indexOf(s) < 0 ? order.length : order.indexOf(s));
  return [...models].sort((a, b) => a.name.localeCompare(b.name) || rank(a.status) - rank(b.status)
    || b.version.localeCompare(a.version, 'en', { numeric: true }));
}
