import { describe, expect, test } from 'vitest';
import {
  calibrationOption, curves, driftFeatures, liftOption, metricRows, modelLabel, progress, rocOption, servedModel,
  sortVersions, statusClass,
} from './models';

const metrics = {
  results: {
    logistic_regression: { roc_auc: { mean: 0.85, ci95: [0.84, 0.86], folds: [0.85, 0.85] } },
    deep: { roc_auc: { mean: 0.9, ci95: [0.89, 0.91], folds: [0.91, 0.89] }, brier: { mean: 0.11 } },
  },
};

describe('metrics', () => {
  test('one row per evaluated model, the exported one first', () => {
    const rows = metricRows(metrics);
    expect(rows.map((r) => r.model)).toEqual(['deep', 'logistic_regression']);
    expect(rows[0].rocAuc).toEqual({ mean: 0.9, low: 0.89, high: 0.91, folds: [0.91, 0.89] });
    expect(rows[0].brier).toEqual({ mean: 0.11, low: null, high: null, folds: [] });
    expect(rows[1].prAuc).toBeNull();
  });

  test('no results, no rows; no curves unless exported', () => {
    expect(metricRows(null)).toEqual([]);
    expect(metricRows({ dataset: {} })).toEqual([]);
    expect(curves(metrics)).toBeNull();
    expect(curves(null)).toBeNull();
    expect(curves({ curves: { roc: [], calibration: [] } })).toBeNull(); // no served model: not ml/'s curves
    expect(modelLabel('gradient_boosting')).toBe('Gradient boosting');
    expect(modelLabel('deep')).toBe('Exported model (deep)');
  });

  test('the served model named by the curves comes first and is labelled as exported', () => {
    const callWin = { results: { gradient_boosting: {}, logistic_regression: {}, mlp: {} }, curves: { served: 'mlp' } };
    expect(servedModel(callWin)).toBe('mlp');
    expect(servedModel(metrics)).toBe('deep');
    expect(servedModel({ results: { mlp: {}, mlp_no_text: {} } })).toBe('mlp'); // no curves: the first one written
    expect(servedModel(null)).toBe('deep');
    expect(metricRows(callWin).map((r) => r.model)).toEqual(['mlp', 'gradient_boosting', 'logistic_regression']);
    expect(modelLabel('mlp', 'mlp')).toBe('Exported model (mlp)');
    expect(modelLabel('deep', 'mlp')).toBe('Deep');
  });
});

// The shape ml/leadscore/plots.curve_points writes into metrics.json.
const written = {
  dataset: { name: 'sales-world', synthetic: true },
  curves: {
    source: 'pooled out-of-fold predictions', served: 'deep', models: ['deep', 'logistic_regression'],
    outcome: 'conversion', rows: 10, positives: 4,
    settings: { roc_max_points: 100, calibration_bins: 10, calibration_min_rows: 5, lift_deciles: 10 },
    roc: {
      logistic_regression: { auc: 0.8, fpr: [0, 0.5, 1], tpr: [0, 0.75, 1], points: 3 },
      deep: { auc: 0.9, fpr: [0, 0.2, 1], tpr: [0, 0.8, 1], points: 3 },
    },
    calibration: {
      deep: { mean_predicted: [0.15, 0.75], observed: [0.1, 0.8], n: [6, 5] },
      logistic_regression: { mean_predicted: [0.3, 0.6], observed: [0.2], n: [6, 5] }, // malformed: left out
    },
    lift: { deep: [2.5, 2.5, 1, 0, 0, 0, 0, 0, 0, null], logistic_regression: [2.5, 0, 2.5, 0, 0, 0, 0, 0, 0, 0] },
  },
};

describe('curves', () => {
  test('read from metrics.json: per model, the served one first, malformed points left out', () => {
    const c = curves(written)!;
    expect(c.served).toBe('deep');
    expect(c.outcome).toBe('conversion');
    expect(c.roc.map((r) => [r.model, r.served, r.auc])).toEqual([['deep', true, 0.9], ['logistic_regression', false, 0.8]]);
    expect(c.roc[0].points).toEqual([[0, 0], [0.2, 0.8], [1, 1]]);
    expect(c.calibration).toEqual([{ model: 'deep', served: true, points: [[0.15, 0.1, 6], [0.75, 0.8, 5]] }]);
    expect(c.lift.map((l) => l.model)).toEqual(['deep', 'logistic_regression']);
    expect(c.lift[0].lifts[9]).toBeNull();
    expect(c.deciles).toBe(10);
    expect(c.note).toBeNull();
    expect(curves({ curves: { ...written.curves, note: 're-run differs' } })!.note).toBe('re-run differs');
  });

  test('ROC: a line per model, the served one emphasised, and the chance diagonal', () => {
    const o = rocOption(curves(written)!);
    expect(o.series.map((s: any) => s.name)).toEqual(['Exported model (deep) (AUC 0.900)',
      'Logistic regression (AUC 0.800)', 'Chance']);
    const [served, baseline, chance] = o.series as any[];
    expect(served.lineStyle.width).toBeGreaterThan(baseline.lineStyle.width);
    expect(served.z).toBeGreaterThan(baseline.z);
    expect(chance.data).toEqual([[0, 0], [1, 1]]);
    expect(chance.lineStyle.type).toBe('dashed');
    expect([o.xAxis.min, o.xAxis.max, o.yAxis.min, o.yAxis.max]).toEqual([0, 1, 0, 1]);
  });

  test('calibration: predicted against observed per bin, and the perfect line', () => {
    const o = calibrationOption(curves(written)!);
    expect(o.series.map((s: any) => s.name)).toEqual(['Exported model (deep)', 'Perfect calibration']);
    expect(o.series[0].data).toEqual([[0.15, 0.1, 6], [0.75, 0.8, 5]]);
    expect(o.series[1].data).toEqual([[0, 0], [1, 1]]);
    expect(o.yAxis.name).toBe('Observed conversion rate');
    expect(o.tooltip.formatter({ seriesName: 'x', value: [0.15, 0.1, 1200] })).toBe('x<br/>predicted 0.150, observed 0.100<br/>1,200 rows');
  });

  test('lift: bars per decile, the served model opaque, the no-lift line at 1.0', () => {
    const o = liftOption(curves(written)!);
    expect(o.xAxis.data).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(o.series.map((s: any) => [s.type, s.name, s.itemStyle.opacity])).toEqual([
      ['bar', 'Exported model (deep)', 1], ['bar', 'Logistic regression', 0.5]]);
    expect(o.series[0].data).toEqual([2.5, 2.5, 1, 0, 0, 0, 0, 0, 0, null]);
    expect((o.series[0] as any).markLine.data).toEqual([{ yAxis: 1 }]);
    expect((o.series[1] as any).markLine).toBeUndefined();
  });
});

describe('batch runs and drift', () => {
  test('progress is done over total, and a finished run is complete', () => {
    expect(progress({ status: 'running', total: 200, done: 50 })).toBe(0.25);
    expect(progress({ status: 'running', total: 0, done: 0 })).toBe(0);
    expect(progress({ status: 'finished', total: 200, done: 198 })).toBe(1);
  });

  test('drift features largest first; unmeasured drift has none', () => {
    const d = { features: [{ feature: 'a', psi: 0.01, alert: false }, { feature: 'b', psi: 0.3, alert: true }] };
    expect(driftFeatures(d).map((f) => f.feature)).toEqual(['b', 'a']);
    expect(driftFeatures({ available: false })).toEqual([]);
  });

  test('versions: active first, then shadow, newest first within a status', () => {
    const v = sortVersions([
      { name: 'm', version: 'v1', status: 'retired' }, { name: 'm', version: 'v10', status: 'validated' },
      { name: 'm', version: 'v2', status: 'validated' }, { name: 'm', version: 'v3', status: 'active' },
    ]);
    expect(v.map((x) => x.version)).toEqual(['v3', 'v10', 'v2', 'v1']);
  });

  test('a status is one class token, so "not loaded yet" is not styled as loaded', () => {
    expect(statusClass('not loaded yet')).toBe('not-loaded-yet');
    expect(statusClass('loaded')).toBe('loaded');
    expect(statusClass('active')).toBe('active');
  });
});
