import { describe, expect, test } from 'vitest';
import { dealTotals, type OpenDeal } from './deals';

const deal = (over: Partial<OpenDeal>): OpenDeal => ({
  id: 'd1', name: 'Deal', leadId: null, accountId: null, amount: null, currency: null, stage: 'demo', ownerId: null,
  stageSince: null, daysInStage: null, calls: 0, lastCallId: null, lastCallAt: null, winProbability: null,
  warnings: [], ...over,
});

describe('deals', () => {
  test('totals per currency, never added across currencies; missing amounts skipped; deals with warnings counted', () => {
    expect(dealTotals([deal({ amount: 100, currency: 'EUR' }), deal({ amount: 50, currency: 'EUR' }),
      deal({ amount: 7, currency: 'INR' }), deal({ amount: 3 }),
      deal({ amount: null, warnings: [{ code: 'ghosted', message: '', evidence: null }] })]))
      .toEqual({ deals: 5, amounts: ['3', '€150', '₹7'], warned: 1 });
    expect(dealTotals([])).toEqual({ deals: 0, amounts: [], warned: 0 });
  });
});
