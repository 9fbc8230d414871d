// The capacity scenario's judgement of each ramp step and its search for the knee: double the
// rate while the receiver holds the guide's criteria, then bisect (geometrically) between the
// highest rate that held and the lowest that broke, until they are within the precision asked.
import type { StepFigures } from 'artillery-engine-burst';

/** The guide's criteria, per step. */
export const HOLD = {
  /** p95 response time, from the intended send time. */
  p95Ms: 200,
  /** 5xx, transport errors and unexpected statuses, % of sent. */
  errorPct: 5,
  /** The achieved rate, at least this share of the intended one. */
  achievedShare: 0.95,
} as const;

/**
 * A step had a generator without headroom when more than this share of its sends left late, or
 * when its CPU demand (the CPU it used plus the time it waited, runnable, for one: a starved
 * generator uses little and waits much) reached this % of a core.
 */
export const STARVED = { lateShare: 0.05, demandPct: 75 } as const;

/** The generator's CPU demand over a step, % of a core. */
export function generatorDemandPct(s: StepFigures): number {
  return s.generatorCpuPct + (s.runQueueWaitPct ?? 0);
}

export interface CapacityPlan {
  startRps: number;
  maxRps: number;
  /** The bracket [held, broke] is narrowed until broke / held <= 1 + precisionPct / 100. */
  precisionPct: number;
  maxSteps: number;
}

export interface StepJudgement {
  held: boolean;
  /** Why it broke, in the guide's words; empty when it held. */
  reasons: string[];
  /** The generator, not the receiver, may have set the pace: no CPU headroom or late sends. */
  generatorBound: boolean;
}

/** 5xx, transport errors, timeouts (sent or not), unexpected statuses. */
export function errorsOf(s: StepFigures): number {
  return s.serverErrors + s.transportErrors + s.timeouts + s.unsent + s.otherStatus;
}

export function judgeStep(s: StepFigures): StepJudgement {
  const reasons: string[] = [];
  if (!(s.p95Ms < HOLD.p95Ms)) reasons.push(`p95 ${s.p95Ms.toFixed(0)} ms >= ${HOLD.p95Ms} ms`);
  const attempted = s.sent + s.unsent;
  const errorPct = attempted === 0 ? 0 : (errorsOf(s) / attempted) * 100;
  if (errorPct >= HOLD.errorPct) reasons.push(`errors ${errorPct.toFixed(1)} % >= ${HOLD.errorPct} %`);
  if (s.timeouts + s.unsent > 0) reasons.push(`${s.timeouts + s.unsent} timed out`);
  if (s.achievedRps < s.intendedRps * HOLD.achievedShare)
    reasons.push(`achieved ${s.achievedRps.toFixed(0)}/s < 95 % of ${s.intendedRps}/s`);
  const generatorBound =
    s.sent > 0 && (s.lateSends / s.sent > STARVED.lateShare || generatorDemandPct(s) >= STARVED.demandPct);
  return { held: reasons.length === 0, reasons, generatorBound };
}

export interface Search {
  /** The highest rate that held (0: none did). */
  held: number;
  /** The lowest rate that broke (undefined: none did). */
  broke: number | undefined;
  steps: number;
}

export function startSearch(): Search {
  return { held: 0, broke: undefined, steps: 0 };
}

/** Folds one step's outcome in; returns the next step's rate, or undefined when the search is over. */
export function nextRate(search: Search, rate: number, held: boolean, plan: CapacityPlan): number | undefined {
  search.steps += 1;
  if (held) search.held = Math.max(search.held, rate);
  else search.broke = Math.min(search.broke ?? Number.POSITIVE_INFINITY, rate);
  if (search.steps >= plan.maxSteps) return undefined;
  if (search.broke === undefined) return rate >= plan.maxRps ? undefined : Math.min(plan.maxRps, rate * 2);
  const low = search.held > 0 ? search.held : plan.startRps / 2 ** search.steps;
  if (search.broke / low <= 1 + plan.precisionPct / 100) return undefined;
  if (search.held === 0 && low < 1) return undefined;
  const next = Math.round(Math.sqrt(low * search.broke));
  return next > search.held && next < search.broke ? next : undefined;
}
