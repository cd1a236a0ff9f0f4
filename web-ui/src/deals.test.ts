import { describe, expect, test } from 'vitest';
import { days, dealTotals, money, type OpenDeal } from './deals';

const deal = (over: Partial<OpenDeal>): OpenDeal => ({
  id: 'd1', name: 'Deal', leadId: null, accountId: null, amount: null, currency: null, stage: 'demo', ownerId: null,
  stageSince: null, daysInStage: null, calls: 0, lastCallId: null, lastCallAt: null, winProbability: null,
  warnings: [], ...over,
});

describe('deals', () => {
  test('amounts with and without a currency', () => {
    expect(money(50000, 'EUR')).toBe('€50,000');
    expect(money(1234.6, 'USD')).toBe('$1,235');
    expect(money(50000, null)).toBe('50,000');
    expect(money(50000, 'not a code')).toBe('50,000');
    expect(money(null, 'EUR')).toBe('–');
  });

  test('days in stage', () => {
    expect(days(1)).toBe('1 day');
    expect(days(0)).toBe('0 days');
    expect(days(12)).toBe('12 days');
    expect(days(null)).toBe('–');
  });

  test('totals per currency, never added across currencies; missing amounts skipped; deals with warnings counted', () => {
    expect(dealTotals([deal({ amount: 100, currency: 'EUR' }), deal({ amount: 50, currency: 'EUR' }),
      deal({ amount: 7, currency: 'INR' }), deal({ amount: 3 }),
      deal({ amount: null, warnings: [{ code: 'ghosted', message: '', evidence: null }] })]))
      .toEqual({ deals: 5, amounts: ['3', '€150', '₹7'], warned: 1 });
    expect(dealTotals([])).toEqual({ deals: 0, amounts: [], warned: 0 });
  });
});
