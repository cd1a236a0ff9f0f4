import { describe, expect, test } from 'vitest';
import { curves, driftFeatures, metricRows, modelLabel, progress, sortVersions } from './models';

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
    expect(curves(metrics)).toEqual([]);
    expect(curves({ curves: { roc: [], calibration: [] } })).toEqual(['roc', 'calibration']);
    expect(modelLabel('gradient_boosting')).toBe('Gradient boosting');
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
});
