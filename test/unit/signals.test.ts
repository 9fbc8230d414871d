import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSignalGenerator } from '../../processors/lib/signals.ts';

const now = Date.parse('2026-01-02T03:04:05Z');

describe('signal generation', () => {
  it('alternates BUY and SELL', () => {
    const g = createSignalGenerator({ seed: 7, stream: 's' });
    const actions = Array.from({ length: 6 }, () => g.next(now).action);
    assert.deepEqual(actions, ['BUY', 'SELL', 'BUY', 'SELL', 'BUY', 'SELL']);
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const run = (seed: number) => {
      const g = createSignalGenerator({ seed, stream: 's' });
      return Array.from({ length: 20 }, () => g.next(now));
    };
    assert.deepEqual(run(42), run(42));
    assert.notDeepEqual(run(42), run(43));
  });

  it('gives unique ids within a stream and across streams', () => {
    const a = createSignalGenerator({ seed: 1, stream: 'a' });
    const b = createSignalGenerator({ seed: 1, stream: 'b' });
    const ids = Array.from({ length: 500 }, () => [a.next(now).signal_id, b.next(now).signal_id]).flat();
    assert.equal(new Set(ids).size, ids.length);
  });

  it('walks prices within 0.5 % a step, keeps quantities positive and uses the given symbols', () => {
    const g = createSignalGenerator({ seed: 3, stream: 's', symbols: ['AAA'] });
    let last = g.next(now);
    for (let i = 0; i < 1000; i++) {
      const s = g.next(now);
      assert.equal(s.symbol, 'AAA');
      assert.ok(s.quantity > 0);
      assert.ok(Math.abs(s.price - last.price) <= last.price * 0.005 + 0.01, `${last.price} -> ${s.price}`);
      last = s;
    }
  });
});
