// One step of a ramp, measured: what was intended, what was sent and answered, latency from
// the intended send time (corrected, as wrk2 reports it) and from the actual one, and how
// far the generator itself fell behind its schedule.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * This thread's CPU time and the time it waited, runnable, for a CPU, ns (Linux schedstat of
 * /proc/thread-self: the engine's own thread, not Artillery's others). Undefined where /proc
 * does not say.
 */
export function threadSchedule(): { runNs: number; waitNs: number } | undefined {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/).map(Number);
    return run === undefined || wait === undefined || Number.isNaN(run + wait)
      ? undefined
      : { runNs: run, waitNs: wait };
  } catch {
    return undefined;
  }
}

/** A send later than this after its intended time, with a connection free, is the generator's lag. */
export const GENERATOR_LAG_MS = 10;

export interface StepFigures {
  /** 1-based. */
  step: number;
  intendedRps: number;
  /** Answers (of any status) per second, over the step's length or, if longer, until its last answer. */
  achievedRps: number;
  sent: number;
  answered: number;
  /** Answers by class: 2xx (and 409, a replay), 429, 5xx, any other. */
  accepted: number;
  limited: number;
  serverErrors: number;
  otherStatus: number;
  /** No answer within the sender timeout. */
  timeouts: number;
  /** Refused, reset, cut off. */
  transportErrors: number;
  /** Waited for a free connection past the sender's timeout, so never sent: timeouts the sender saw. */
  unsent: number;
  /** From the intended send time to the answer's headers, ms. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** From the actual send, as Artillery's http.response_time. */
  sentP95Ms: number;
  /** Sends later than GENERATOR_LAG_MS after their intended time while a connection was free. */
  lateSends: number;
  /** The engine thread's CPU over the step, % of one core (the whole process's where /proc does not say). */
  generatorCpuPct: number;
  /**
   * How late the generator's event loop ran, p99 over the step, ms: a starved or saturated
   * generator reads answers late, which no receiver caused (its figures include that delay).
   */
  loopDelayP99Ms: number;
  /** Time the engine thread waited, runnable, for a CPU, % of the step (Linux; undefined elsewhere): CPU taken by other load. */
  runQueueWaitPct: number | undefined;
  startedAt: number;
  endedAt: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? Number.NaN;
}

/** Collects one step's sends and answers. */
export class StepRecorder {
  private corrected: Float64Array = new Float64Array(1024);
  private fromSend: Float64Array = new Float64Array(1024);
  private n = 0;
  sent = 0;
  accepted = 0;
  limited = 0;
  serverErrors = 0;
  otherStatus = 0;
  timeouts = 0;
  transportErrors = 0;
  unsent = 0;
  lateSends = 0;
  private readonly cpuAtStart = process.cpuUsage();
  private readonly scheduleAtStart = threadSchedule();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 2 });
  readonly step: number;
  readonly intendedRps: number;
  readonly startedAt: number;
  readonly durationMs: number;

  constructor(step: number, intendedRps: number, startedAt: number, durationMs: number) {
    this.step = step;
    this.intendedRps = intendedRps;
    this.startedAt = startedAt;
    this.durationMs = durationMs;
    this.loopDelay.enable();
  }

  answered(status: number, intendedAt: number, sentAt: number, answeredAt: number): void {
    if (this.n === this.corrected.length) {
      this.corrected = grow(this.corrected);
      this.fromSend = grow(this.fromSend);
    }
    this.corrected[this.n] = answeredAt - intendedAt;
    this.fromSend[this.n] = answeredAt - sentAt;
    this.n += 1;
    if (status === 429) this.limited += 1;
    else if (status >= 500) this.serverErrors += 1;
    else if ((status >= 200 && status < 300) || status === 409) this.accepted += 1;
    else this.otherStatus += 1;
  }

  figures(endedAt: number): StepFigures {
    const corrected = this.corrected.slice(0, this.n).sort();
    const fromSend = this.fromSend.slice(0, this.n).sort();
    const cpu = process.cpuUsage(this.cpuAtStart);
    const schedule = threadSchedule();
    const atStart = this.scheduleAtStart;
    this.loopDelay.disable();
    // Less the sampling timer's own resolution, so an idle loop reads about 0.
    const loopDelayP99Ms = Math.max(0, this.loopDelay.percentile(99) / 1e6 - 2);
    const wallMs = Math.max(1, endedAt - this.startedAt);
    return {
      step: this.step,
      intendedRps: this.intendedRps,
      achievedRps: this.n / (Math.max(this.durationMs, endedAt - this.startedAt) / 1000),
      sent: this.sent,
      answered: this.n,
      accepted: this.accepted,
      limited: this.limited,
      serverErrors: this.serverErrors,
      otherStatus: this.otherStatus,
      timeouts: this.timeouts,
      transportErrors: this.transportErrors,
      unsent: this.unsent,
      p50Ms: percentile(corrected, 0.5),
      p95Ms: percentile(corrected, 0.95),
      p99Ms: percentile(corrected, 0.99),
      sentP95Ms: percentile(fromSend, 0.95),
      lateSends: this.lateSends,
      generatorCpuPct:
        schedule && atStart
          ? ((schedule.runNs - atStart.runNs) / 1e6 / wallMs) * 100
          : ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      loopDelayP99Ms,
      runQueueWaitPct: schedule && atStart ? ((schedule.waitNs - atStart.waitNs) / 1e6 / wallMs) * 100 : undefined,
      startedAt: this.startedAt,
      endedAt,
    };
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
