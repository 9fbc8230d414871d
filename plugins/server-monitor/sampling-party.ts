// With N load generators (`npm run stress -- --generators N`, or N artillery processes)
// every generator would observe the same server, and merging their results adds counters
// up: one generator samples, the designated one. GENERATOR_INDEX is this generator's
// place (set by the orchestrator), SERVER_MONITOR_GENERATOR the one that samples (default 0).
import { MonitorConfigError } from './config.ts';

export type SamplingParty = { samples: true } | { samples: false; reason: string };

type Env = Record<string, string | undefined>;

function index(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new MonitorConfigError(`${name}=${JSON.stringify(raw)} is not a generator index (0, 1, 2, ...)`);
  return value;
}

export function samplingParty(env: Env): SamplingParty {
  const designatedRaw = env.SERVER_MONITOR_GENERATOR || '0';
  const designated = index('SERVER_MONITOR_GENERATOR', designatedRaw);
  if (!env.GENERATOR_INDEX) return { samples: true };
  const self = index('GENERATOR_INDEX', env.GENERATOR_INDEX);
  if (self === designated) return { samples: true };
  return {
    samples: false,
    reason: `generator ${self} of a scale-out, generator ${designated} samples the server (SERVER_MONITOR_GENERATOR)`,
  };
}
