// `--scale-duration` / `--scale-rate`: the rate-shaped phases of a scenario (arrivalRate,
// rampTo: the sustained load) stretched or sped up, handed to Artillery in --overrides.
// Count-shaped tests (100 HFT signals, a 100-signal burst, 20 against the limit,
// 10 x 100 batches) are defined by their counts and are left as the guide wrote them.
import { readFileSync } from 'node:fs';
import type { Phase } from 'webhook-stress-report';
import { parse } from 'yaml';

export function scalePhases(phases: Phase[], durationFactor: number, rateFactor: number): Phase[] {
  return phases.map((phase) => {
    if (phase.arrivalRate === undefined) return phase;
    const scaled: Phase = { ...phase, arrivalRate: Math.max(1, Math.round(phase.arrivalRate * rateFactor)) };
    if (phase.rampTo !== undefined) scaled.rampTo = Math.max(1, Math.round(phase.rampTo * rateFactor));
    if (typeof phase.duration === 'number') scaled.duration = Math.max(1, Math.round(phase.duration * durationFactor));
    return scaled;
  });
}

/** How many webhooks the scenario spreads its load over (`variables.webhookPool`, default 1). */
export function scenarioWebhookPool(scenarioFile: string): number {
  const script = parse(readFileSync(scenarioFile, 'utf8')) as { config?: { variables?: { webhookPool?: unknown } } };
  const pool = Number(script.config?.variables?.webhookPool ?? 1);
  return Number.isInteger(pool) && pool > 0 ? pool : 1;
}

/** The scenario file's own ensure conditions. */
export function scenarioConditions(scenarioFile: string): object[] {
  const script = parse(readFileSync(scenarioFile, 'utf8')) as { config?: { ensure?: { conditions?: object[] } } };
  return script.config?.ensure?.conditions ?? [];
}

/** The scenario file's own phases. */
export function scenarioPhases(scenarioFile: string): Phase[] {
  const script = parse(readFileSync(scenarioFile, 'utf8')) as { config?: { phases?: Phase[] } };
  return script.config?.phases ?? [];
}

/** The scenario's phases scaled, or undefined when scaling leaves them as they are. */
export function scaledScenarioPhases(
  scenarioFile: string,
  durationFactor: number,
  rateFactor: number,
): Phase[] | undefined {
  if (durationFactor === 1 && rateFactor === 1) return undefined;
  const phases = scenarioPhases(scenarioFile);
  if (!phases.some((p) => p.arrivalRate !== undefined)) return undefined;
  return scalePhases(phases, durationFactor, rateFactor);
}
