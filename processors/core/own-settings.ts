// A scenario's own settings (its limiter, its hostile classes, ...), read by its module with
// the shared readers (lib/read-env.ts). Checked before any webhook is created (the core's
// provisionCredentials calls the module's reader first; npm run stress calls every chosen
// one before the first scenario), then read once per thread.
import { applyProfile } from 'webhook-stress-common';
import type { Env } from '../lib/read-env.ts';
import { fatal } from './fatal.ts';

export interface OwnSettings<T> {
  read: (env: Env) => T;
  /** The settings of this run; a wrong one is one line and exit 2. */
  get(): T;
}

export function ownSettings<T>(read: (env: Env) => T): OwnSettings<T> {
  let value: T | undefined;
  return {
    read,
    get() {
      if (value === undefined) {
        try {
          applyProfile();
          value = read(process.env);
        } catch (err) {
          fatal(err);
        }
      }
      return value;
    },
  };
}
