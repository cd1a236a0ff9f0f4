import { expect, test } from 'vitest';
import { pct } from './format';
test('pct', () => expect(pct(0.43)).toBe('43%'));
