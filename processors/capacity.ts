// Capacity: scenarios/capacity.yml. How many signals a second the receiver takes before it
// breaks the guide's criteria: an open-model ramp of signed signals (the burst engine's `ramp`
// step) doubles its rate while every step holds, then narrows the bracket between the highest
// rate that held and the lowest that broke (lib/knee.ts). The knee is the highest that held.
// 429s are answers: a limiter that answers in time is holding, so the knee of a limited webhook
// is the limiter's; point it at a webhook without a limit for the processing path.
import type { RampRecord, StepFigures } from 'artillery-engine-burst';
import type { Context, Events } from './core/artillery.ts';
import { coreHooks } from './core/hooks.ts';
import { ownSettings } from './core/own-settings.ts';
import { say } from './core/say.ts';
import { defineScenario } from './core/scenario.ts';
import { type CapacityPlan, errorsOf, judgeStep, nextRate, type Search, startSearch } from './lib/knee.ts';
import { type Env, positive } from './lib/read-env.ts';

export const METRICS = {
  /** The highest step rate that held the guide's criteria (0: none did). */
  kneeRps: 'capacity.knee_rps',
  /** CAPACITY_REQUIRED_RPS: what the receiver must hold. */
  requiredRps: 'capacity.required_rps',
  /** The lowest step rate that broke (absent when every step held). */
  brokeRps: 'capacity.broke_rps',
  /** 1 when the step that broke had a generator without headroom: the run is INVALID. */
  generatorBound: 'capacity.generator_bound',
  steps: 'capacity.steps',
} as const;

export interface CapacitySettings extends CapacityPlan {
  stepSeconds: number;
  connections: number;
  requiredRps: number;
}

/** CAPACITY_* settings: the search and what must hold. */
export function readCapacitySettings(env: Env): CapacitySettings {
  const startRps = positive(env, 'CAPACITY_START_RPS', 50);
  const maxRps = positive(env, 'CAPACITY_MAX_RPS', 3200);
  return {
    startRps,
    maxRps: Math.max(startRps, maxRps),
    precisionPct: positive(env, 'CAPACITY_PRECISION_PCT', 10),
    maxSteps: Math.round(positive(env, 'CAPACITY_MAX_STEPS', 12)),
    stepSeconds: positive(env, 'CAPACITY_STEP_S', 3),
    connections: Math.round(positive(env, 'CAPACITY_CONNECTIONS', 128)),
    // The guide's sustained load: 100 signals a second.
    requiredRps: positive(env, 'CAPACITY_REQUIRED_RPS', 100),
  };
}

const own = ownSettings(readCapacitySettings);

export const scenario = defineScenario({
  order: 120,
  title: 'Capacity: the highest rate the receiver holds (its knee)',
  counters: [],
  evidence: [METRICS.kneeRps, METRICS.requiredRps, METRICS.generatorBound],
  settings: [
    'CAPACITY_START_RPS',
    'CAPACITY_MAX_RPS',
    'CAPACITY_PRECISION_PCT',
    'CAPACITY_MAX_STEPS',
    'CAPACITY_STEP_S',
    'CAPACITY_CONNECTIONS',
    'CAPACITY_REQUIRED_RPS',
  ],
  readSettings: own.read,
  columns: [
    {
      header: 'knee',
      cell: ({ counters: c }) =>
        c[METRICS.kneeRps] === undefined
          ? '-'
          : `${c[METRICS.kneeRps]}/s${c[METRICS.brokeRps] === undefined ? ' (held every step)' : ` (broke at ${c[METRICS.brokeRps]}/s)`}`,
    },
  ],
});

export const { provisionCredentials, removeProvisionedWebhooks, pickWebhook, signSignal } = coreHooks(scenario);

/** Flow step before the ramp: its first rate, step length and connections from the settings. */
export function planCapacity(context: Context, _events: Events, done: () => void): void {
  const s = own.get();
  context.vars.capacityStartRps = s.startRps;
  context.vars.capacityStepSeconds = s.stepSeconds;
  context.vars.capacityConnections = s.connections;
  context.vars.capacitySearch = startSearch();
  done();
}

function stepLine(f: StepFigures): string {
  const j = judgeStep(f);
  const verdict = j.held
    ? 'held'
    : `broke: ${j.reasons.join(', ')}${j.generatorBound ? ' (generator without headroom)' : ''}`;
  return (
    `capacity step ${f.step}: ${f.intendedRps}/s intended, ${f.achievedRps.toFixed(0)}/s answered; ` +
    `p50/p95/p99 ${f.p50Ms.toFixed(1)}/${f.p95Ms.toFixed(1)}/${f.p99Ms.toFixed(1)} ms from the intended send; ` +
    `${errorsOf(f)} errors, ${f.limited} limited of ${f.sent}; generator ${f.generatorCpuPct.toFixed(0)} % CPU, loop delay p99 ${f.loopDelayP99Ms.toFixed(1)} ms, waited for CPU ${f.runQueueWaitPct?.toFixed(0) ?? '?'} %, ${f.lateSends} late sends: ${verdict}`
  );
}

/** The ramp's afterStep: judge the step, print it, and name the next rate (none: the search is over). */
export function nextCapacityStep(figures: StepFigures, context: Context, _events: Events, done: () => void): void {
  const search = context.vars.capacitySearch as Search;
  say('log', stepLine(figures));
  context.vars.$rampNextRate = nextRate(search, figures.intendedRps, judgeStep(figures).held, own.get());
  done();
}

/** Flow step after the ramp: the knee, the bracket, whether the generator decided it, and each step's figures. */
export function reportCapacity(context: Context, events: Events, done: () => void): void {
  const record = context.vars.$ramp as RampRecord | undefined;
  const search = context.vars.capacitySearch as Search;
  const s = own.get();
  events.emit('counter', METRICS.requiredRps, s.requiredRps);
  if (!record || record.steps.length === 0) {
    done();
    return;
  }
  const broke = record.steps.filter((f) => f.intendedRps === search.broke);
  const deciding = broke.at(-1);
  events.emit('counter', METRICS.kneeRps, search.held);
  events.emit('counter', METRICS.steps, record.steps.length);
  events.emit('counter', METRICS.generatorBound, deciding && judgeStep(deciding).generatorBound ? 1 : 0);
  if (search.broke !== undefined) events.emit('counter', METRICS.brokeRps, search.broke);
  // The outcome counters every scenario keeps (the suite summary's success and rate-limited
  // columns): here a 429 in time is an expected answer, an error or a timeout is not.
  const sum = (pick: (f: StepFigures) => number) => record.steps.reduce((a, f) => a + pick(f), 0);
  events.emit(
    'counter',
    'webhook.accepted',
    sum((f) => f.accepted),
  );
  events.emit(
    'counter',
    'webhook.rate_limited',
    sum((f) => f.limited),
  );
  events.emit(
    'counter',
    'webhook.server_error',
    sum((f) => f.serverErrors),
  );
  events.emit(
    'counter',
    'webhook.as_expected',
    sum((f) => f.accepted + f.limited),
  );
  events.emit(
    'counter',
    'webhook.not_expected',
    sum((f) => errorsOf(f)),
  );
  for (const f of record.steps) {
    const n = String(f.step).padStart(2, '0');
    events.emit('counter', `capacity.step_${n}.intended_rps`, f.intendedRps);
    events.emit('counter', `capacity.step_${n}.achieved_rps`, Math.round(f.achievedRps));
    events.emit('counter', `capacity.step_${n}.p95_ms`, Math.round(f.p95Ms * 10) / 10);
    events.emit('counter', `capacity.step_${n}.errors`, errorsOf(f));
    events.emit(
      'counter',
      `capacity.step_${n}.started_s`,
      Math.round((f.startedAt - (record.steps[0]?.startedAt ?? f.startedAt)) / 100) / 10,
    );
  }
  say(
    'log',
    search.broke === undefined
      ? `capacity: held every step up to ${search.held}/s (CAPACITY_MAX_RPS); the knee is above it`
      : `capacity: knee ${search.held}/s (the highest rate that held); broke at ${search.broke}/s`,
  );
  done();
}
