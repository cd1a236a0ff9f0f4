// Formatting shared by the pages. Pure functions: unit-tested in format.test.ts.

/** 0.4321 -> "43%" (digits: decimals). Null/NaN -> "–". */
export function pct(x: number | null | undefined, digits = 0): string {
  if (x == null || Number.isNaN(x)) return '–';
  return `${(x * 100).toFixed(digits)}%`;
}

/** A change in score points: "+5", "−3" (a real minus sign), "0"; null (first score) -> "new". */
export function signed(change: number | null | undefined): string {
  if (change == null) return 'new';
  if (change > 0) return `+${change}`;
  if (change < 0) return `\u2212${Math.abs(change)}`;
  return '0';
}

/** A difference in percentage points: "+0.8 points", "−1.2 points", "0.0 points" (one decimal, a real minus). */
export function points(x: number | null | undefined, unit = ' points'): string {
  if (x == null || Number.isNaN(x)) return '–';
  const s = Math.abs(x).toFixed(1);
  if (s === '0.0') return `0.0${unit}`;
  return `${x > 0 ? '+' : '\u2212'}${s}${unit}`;
}

/** Milliseconds -> "m:ss" ("1:05:03" past an hour), the way a recording's clock reads. */
export function clock(ms: number | null | undefined): string {
  if (ms == null || Number.isNaN(ms)) return '–';
  const s = Math.max(0, Math.floor(ms / 1000));
  const ss = String(s % 60).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}:${ss}`;
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${ss}`;
}

/** 50000, "EUR" -> "€50,000"; no currency -> "50,000"; null -> "–". */
export function money(amount: number | null | undefined, currency?: string | null): string {
  if (amount == null || Number.isNaN(amount)) return '–';
  if (currency && /^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat('en', { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount);
    } catch {
      /* an unknown code: plain number below */
    }
  }
  return new Intl.NumberFormat('en', { maximumFractionDigits: 0 }).format(amount);
}

/** "0 days", "1 day", "12 days"; null -> "–". */
export function days(n: number | null | undefined): string {
  if (n == null) return '–';
  return `${n} day${n === 1 ? '' : 's'}`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 days ago", "in 2 hours", "just now"; null -> "never". */
export function relative(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return 'never';
  const seconds = (new Date(iso).getTime() - now.getTime()) / 1000;
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** "24 Nov 2026, 09:30" in UTC, so screenshots and tests read the same everywhere. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC',
  }).format(new Date(iso));
}

export function day(iso: string | null | undefined): string {
  if (!iso) return '–';
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(iso));
}

/** 1234567 -> "1.2M", 12345 -> "12.3K", 999 -> "999". */
export function compact(n: number | null | undefined): string {
  if (n == null) return '–';
  return new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** Seconds -> "2m 05s", "1h 03m", "45s". */
export function duration(seconds: number | null | undefined): string {
  if (seconds == null || Number.isNaN(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** An activity type as a rep reads it: "page_view" -> "Page view". */
export function humanize(type: string): string {
  const words = type.replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A lead's display name: the name, else the email, else the id. */
export function leadName(l: { name?: string | null; firstName?: string | null; lastName?: string | null;
  email?: string | null; id: string }): string {
  const name = l.name ?? [l.firstName, l.lastName].filter(Boolean).join(' ');
  return name || l.email || l.id;
}

/** Text for an HTML string (ECharts tooltips are HTML: names from the CRM must not become markup). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
