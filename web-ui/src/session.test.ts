import { describe, expect, test } from 'vitest';
import { can, forgetKey, scopeLabel, storeKey, storedKey } from './session';

function memory(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k),
    clear: () => m.clear(), key: () => null, get length() { return m.size; },
  };
}

describe('role gating', () => {
  test('only admins change models, start batch runs or refresh the sequence counts', () => {
    expect(can.manageModels('admin')).toBe(true);
    expect(can.manageModels('manager')).toBe(false);
    expect(can.manageModels('rep')).toBe(false);
    expect(can.startBatch('manager')).toBe(false);
    expect(can.refreshSequences('admin')).toBe(true);
    expect(can.refreshSequences('manager')).toBe(false);
  });

  test('batch runs and drift are for admins and managers, as the API allows', () => {
    expect(can.seeBatch('admin')).toBe(true);
    expect(can.seeBatch('manager')).toBe(true);
    expect(can.seeBatch('rep')).toBe(false);
  });

  test('the scope a user sees is named', () => {
    expect(scopeLabel({ userId: 'a', role: 'admin', team: null })).toBe('all leads');
    expect(scopeLabel({ userId: 'm', role: 'manager', team: 'east' })).toBe('team east');
    expect(scopeLabel({ userId: 'r', role: 'rep', team: 'east' })).toBe('your leads');
  });
});

describe('the key lives in session storage', () => {
  test('stored trimmed, forgotten on sign-out, blank is no key', () => {
    const s = memory();
    expect(storedKey(s)).toBeNull();
    storeKey('  ck_abc \n', s);
    expect(storedKey(s)).toBe('ck_abc');
    forgetKey(s);
    expect(storedKey(s)).toBeNull();
    s.setItem('closer.apiKey', '   ');
    expect(storedKey(s)).toBeNull();
  });
});
