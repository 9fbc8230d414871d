// The generator's spacing watch (processors/core/spacing.ts): a 1 s sliding window per webhook.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSpacingWatch, scheduledLimit } from '../../processors/core/spacing.ts';

describe('spacing watch', () => {
  it("hft's schedule (one send every 120 ms) never puts more than 10 into a second", () => {
    const watch = createSpacingWatch(10);
    const bunched = Array.from({ length: 100 }, (_, i) => watch.note('w', i * 120)).filter(Boolean);
    assert.equal(bunched.length, 0);
  });

  it('the 11th send within 1 s to one webhook is bunched; other webhooks and later seconds are not', () => {
    const watch = createSpacingWatch(10);
    for (let i = 0; i < 10; i++) assert.equal(watch.note('w', i * 10), false);
    assert.equal(watch.note('w', 100), true);
    assert.equal(watch.note('other', 100), false);
    assert.equal(watch.note('w', 1000), true, 'sends at 10..100 ms are still within the second before 1000 ms');
    assert.equal(watch.note('w', 1101), false, 'by 1101 ms only the sends at 1000 and 1101 are in the window');
  });

  it('the limit is RATE_LIMIT_PER_SECOND, 10 by default', () => {
    assert.equal(scheduledLimit({}), 10);
    assert.equal(scheduledLimit({ RATE_LIMIT_PER_SECOND: '25' }), 25);
    assert.throws(() => scheduledLimit({ RATE_LIMIT_PER_SECOND: 'x' }), /RATE_LIMIT_PER_SECOND="x"/);
  });
});
