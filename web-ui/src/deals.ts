// Deals: the API shape of GET /api/v1/deals and the page's totals. Unit-tested in deals.test.ts.
import type { Warning } from './calls';
import { money } from './format';

/** An open deal (DealQueries.OpenDeal): the call fields are its latest analysed call's, null without one. */
export interface OpenDeal {
  id: string;
  name: string;
  leadId: string | null;
  accountId: string | null;
  amount: number | null;
  currency: string | null;
  stage: string;
  ownerId: string | null;
  stageSince: string | null;
  daysInStage: number | null;
  calls: number;
  lastCallId: string | null;
  lastCallAt: string | null;
  winProbability: number | null;
  warnings: Warning[];
}

/**
 * Totals for the page's header: deals, the open amount per currency (amounts in different currencies are never
 * added up; deals without an amount left out), deals with warnings.
 */
export function dealTotals(deals: OpenDeal[]): { deals: number; amounts: string[]; warned: number } {
  const byCurrency = new Map<string, number>();
  for (const d of deals) {
    if (d.amount == null) continue;
    const c = d.currency ?? '';
    byCurrency.set(c, (byCurrency.get(c) ?? 0) + d.amount);
  }
  return {
    deals: deals.length,
    amounts: [...byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([c, n]) => money(n, c || null)),
    warned: deals.filter((d) => d.warnings.length > 0).length,
  };
}
