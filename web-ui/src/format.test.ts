import { describe, expect, test } from 'vitest';
import { compact, dateTime, duration, escapeHtml, humanize, leadName, pct, relative, signed } from './format';

describe('format', () => {
  test('percentages round and show a dash for nothing', () => {
    expect(pct(0.4321)).toBe('43%');
    expect(pct(0.4321, 1)).toBe('43.2%');
    expect(pct(null)).toBe('–');
    expect(pct(Number.NaN)).toBe('–');
  });

  test('score changes carry their sign and a first score says new', () => {
    expect(signed(5)).toBe('+5');
    expect(signed(-3)).toBe('\u22123');
    expect(signed(0)).toBe('0');
    expect(signed(null)).toBe('new');
  });

  test('relative times read as a person says them', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    expect(relative('2026-11-21T12:00:00Z', now)).toBe('3 days ago');
    expect(relative('2026-11-24T11:59:30Z', now)).toBe('just now');
    expect(relative('2026-11-24T10:00:00Z', now)).toBe('2 hours ago');
    expect(relative(null, now)).toBe('never');
  });

  test('dates are shown in UTC', () => {
    expect(dateTime('2026-11-24T09:30:00Z')).toBe('24 Nov 2026, 09:30');
    expect(dateTime(null)).toBe('–');
  });

  test('numbers, durations and activity types', () => {
    expect(compact(12345)).toBe('12.3K');
    expect(compact(999)).toBe('999');
    expect(duration(45)).toBe('45s');
    expect(duration(125)).toBe('2m 05s');
    expect(duration(3780)).toBe('1h 03m');
    expect(humanize('page_view')).toBe('Page view');
    expect(humanize('meeting.booked')).toBe('Meeting booked');
  });

  test('a lead is named by its name, else its email, else its id', () => {
    expect(leadName({ id: 'l1', firstName: 'Ada', lastName: 'Lovelace' })).toBe('Ada Lovelace');
    expect(leadName({ id: 'l1', name: null, email: 'ada@example.com' })).toBe('ada@example.com');
    expect(leadName({ id: 'l1' })).toBe('l1');
  });

  test('names go into HTML tooltips as text', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')"> & co`))
      .toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co');
  });
});
