import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRetrySchedule } from '../../processors/lib/retry-schedule.ts';

describe('retry schedule', () => {
  it('reads delays in seconds, spaces allowed', () => {
    assert.deepEqual(parseRetrySchedule('0, 1,3'), [0, 1, 3]);
    assert.deepEqual(parseRetrySchedule('0.5'), [0.5]);
  });

  it('rejects an empty, negative, non-numeric or over-long delay with one line naming the value', () => {
    for (const raw of ['', '0,-1', '0,x', '0,600']) {
      assert.throws(() => parseRetrySchedule(raw), new RegExp(`retrySchedule="${raw}" is not a list of delays`));
    }
  });
});
