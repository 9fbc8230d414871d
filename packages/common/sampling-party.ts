// With N load generators (`npm run stress -- --generators N`, or N artillery processes)
// every generator would observe the same server, and merging their results adds counters
// up: one generator samples, the designated one. GENERATOR_INDEX is this generator's
// place (set by the orchestrator), SERVER_MONITOR_GENERATOR the one that samples (default 0).
// One decision for the monitor (who samples) and the verdict (who prints the server gates).
export type SamplingParty = { samples: true } | { samples: false; sampler: number; reason: string };

export class SamplingPartyError extends Error {}

function generatorIndex(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new SamplingPartyError(`${name}=${JSON.stringify(raw)} is not a generator index (0, 1, 2, ...)`);
  return value;
}

export function samplingParty(env: Record<string, string | undefined>): SamplingParty {
  const designated = generatorIndex('SERVER_MONITOR_GENERATOR', env.SERVER_MONITOR_GENERATOR || '0');
  if (!env.GENERATOR_INDEX) return { samples: true };
  const self = generatorIndex('GENERATOR_INDEX', env.GENERATOR_INDEX);
  if (self === designated) return { samples: true };
  return {
    samples: false,
    sampler: designated,
    reason: `generator ${self} of a scale-out, generator ${designated} samples the server (SERVER_MONITOR_GENERATOR)`,
  };
}
