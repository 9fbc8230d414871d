import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedBand } from '../../processors/lib/limiter-model.ts';
import { readRateLimitSettings } from '../../processors/rate-limit.ts';

const tenPerSecond = { perWindow: 10, capacity: 10 };

describe('allowed band of a 20-request burst', () => {
  it('sliding window: exactly the limit while the span is under a window', () => {
    assert.deepEqual(allowedBand('sliding-window', tenPerSecond, 20, 3), { min: 10, max: 10 });
    assert.deepEqual(allowedBand('sliding-window', tenPerSecond, 20, 998), { min: 10, max: 10 });
    assert.deepEqual(allowedBand('sliding-window', tenPerSecond, 20, 1000), { min: 10, max: 20 });
  });

  it('fixed window: up to twice the limit, since a burst may straddle an edge', () => {
    assert.deepEqual(allowedBand('fixed-window', tenPerSecond, 20, 3), { min: 10, max: 20 });
    assert.deepEqual(allowedBand('fixed-window', { perWindow: 5, capacity: 5 }, 20, 3), { min: 5, max: 10 });
  });

  it('token bucket (nginx rate=10r/s burst=9 nodelay is capacity 10): one more per 100 ms of span', () => {
    assert.deepEqual(allowedBand('token-bucket', tenPerSecond, 20, 20), { min: 10, max: 10 });
    assert.deepEqual(allowedBand('token-bucket', tenPerSecond, 20, 99), { min: 10, max: 11 });
    assert.deepEqual(allowedBand('token-bucket', tenPerSecond, 20, 175), { min: 10, max: 11 });
    assert.deepEqual(allowedBand('token-bucket', tenPerSecond, 20, 250), { min: 10, max: 12 });
    assert.deepEqual(allowedBand('token-bucket', { perWindow: 10, capacity: 5 }, 20, 0), { min: 5, max: 5 });
  });

  it('never more than was sent', () => {
    assert.deepEqual(allowedBand('fixed-window', tenPerSecond, 8, 3), { min: 8, max: 8 });
    assert.deepEqual(allowedBand('token-bucket', tenPerSecond, 12, 5000), { min: 10, max: 12 });
  });
});

describe('rate-limit settings', () => {
  it('default: sliding window, burst = the per-second limit', () => {
    const s = readRateLimitSettings({});
    assert.equal(s.model, 'sliding-window');
    assert.equal(s.burst, 10);
  });

  it('token bucket with its own burst', () => {
    const s = readRateLimitSettings({
      RATE_LIMIT_MODEL: 'token-bucket',
      RATE_LIMIT_BURST: '10',
      RATE_LIMIT_PER_SECOND: '5',
    });
    assert.deepEqual([s.model, s.burst, s.perSecond], ['token-bucket', 10, 5]);
  });

  it('one-line errors naming the value and what to do', () => {
    assert.throws(
      () => readRateLimitSettings({ RATE_LIMIT_MODEL: 'leaky' }),
      /^Error: RATE_LIMIT_MODEL="leaky" is not one of sliding-window, fixed-window, token-bucket$/,
    );
    assert.throws(
      () => readRateLimitSettings({ RATE_LIMIT_BURST: '10' }),
      /RATE_LIMIT_BURST="10" applies only to RATE_LIMIT_MODEL=token-bucket/,
    );
    assert.throws(
      () => readRateLimitSettings({ RATE_LIMIT_MODEL: 'token-bucket', RATE_LIMIT_BURST: '2.5' }),
      /RATE_LIMIT_BURST="2.5" is not a whole number/,
    );
    assert.throws(
      () => readRateLimitSettings({ RATE_LIMIT_TOLERANCE: '10' }),
      /RATE_LIMIT_TOLERANCE="10" is no longer read; name the limiter instead: RATE_LIMIT_MODEL=/,
    );
  });
});
