import { describe, expect, test } from 'vitest';
import {
  clock, compact, dateTime, days, duration, escapeHtml, humanize, leadName, money, pct, points, relative, signed,
} from './format';

describe('format', () => {
  test('percentages round and show a dash for nothing', () => {
    expect(pct(0.4321)).toBe('43%');
    expect(pct(0.4321, 1)).toBe('43.2%');
    expect(pct(0.075, 1)).toBe('7.5%');
    expect(pct(0, 1)).toBe('0.0%');
    expect(pct(null)).toBe('–');
    expect(pct(Number.NaN)).toBe('–');
  });

  test('score changes carry their sign and a first score says new', () => {
    expect(signed(5)).toBe('+5');
    expect(signed(-3)).toBe('\u22123');
    expect(signed(0)).toBe('0');
    expect(signed(null)).toBe('new');
  });

  test('differences in points carry their sign (a real minus)', () => {
    expect(points(0.8)).toBe('+0.8 points');
    expect(points(-1.24)).toBe('\u22121.2 points');
    expect(points(0.01)).toBe('0.0 points');
    expect(points(-0.04)).toBe('0.0 points');
    expect(points(2.5, '')).toBe('+2.5');
    expect(points(-0.42 * 100, ' points per minute')).toBe('\u221242.0 points per minute');
    expect(points(null)).toBe('–');
  });

  test('clock reads like a recording', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(65_400)).toBe('1:05');
    expect(clock(3_903_000)).toBe('1:05:03');
    expect(clock(null)).toBe('–');
  });

  test('amounts with and without a currency', () => {
    expect(money(50000, 'EUR')).toBe('€50,000');
    expect(money(1234.6, 'USD')).toBe('$1,235');
    expect(money(50000, null)).toBe('50,000');
    expect(money(50000, 'not a code')).toBe('50,000');
    expect(money(null, 'EUR')).toBe('–');
  });

  test('days', () => {
    expect(days(1)).toBe('1 day');
    expect(days(0)).toBe('0 days');
    expect(days(12)).toBe('12 days');
    expect(days(null)).toBe('–');
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
    expect(humanize('pricing_not_discussed')).toBe('Pricing not discussed'); // a call warning's code
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
