// Exactly-once on ground truth: the server's own processed count (PROCESSED_COUNT_URL) read
// before any load and again after it; else the acceptances when REPLAY_EVIDENCE vouches for
// how every replay is marked; else not measured, with one line saying what to configure.
import { fetchProcessedCount, ProcessedCountError } from '../lib/processed-count.ts';
import type { Context, Events } from './artillery.ts';
import { fatal } from './fatal.ts';
import { WEBHOOK } from './metrics.ts';
import { rt } from './runtime.ts';
import { masked, say } from './say.ts';

export const NOT_MEASURED_HINT =
  'exactly-once not measured (webhook.executions): set PROCESSED_COUNT_URL and PROCESSED_COUNT_METRIC (or PROCESSED_COUNT_JSON_PATH) to your server\'s processed counter, or REPLAY_EVIDENCE to how it marks every replay; README "Making exactly-once measurable"';

/** One read of the counter; its error is masked, since it may quote the counter's answer (and Artillery names an error counter after it). */
async function readOracle(): Promise<number | undefined> {
  const { settings } = rt();
  if (!settings.processedCount) return undefined;
  try {
    return await fetchProcessedCount(settings.processedCount, settings.requestTimeoutMs);
  } catch (err) {
    throw new ProcessedCountError(masked((err as Error).message));
  }
}

/**
 * `before` flow, first of all: the server's processed count before any load (read before the
 * webhooks are created, so a wrong PROCESSED_COUNT_* is one line and exit 2 with nothing to clean
 * up), or the one line saying how to make exactly-once measurable.
 */
export async function readProcessedCount(context: Context): Promise<void> {
  const { settings } = rt();
  // One of several generators: the orchestrator reads the server's count around all of them.
  if (!settings.processedCount && !settings.replayEvidence.declared && settings.generatorIndex === undefined)
    console.log(NOT_MEASURED_HINT);
  try {
    context.vars.processedBefore = await readOracle();
  } catch (err) {
    fatal(err);
  }
}

/** One more execution the flow expects (a held signal or event, or a repeat that must be processed again). */
export function expectExecution(context: Context): void {
  context.vars.expectedExecutions = Number(context.vars.expectedExecutions ?? 0) + 1;
}

/**
 * Flow step after the load: webhook.processed (the oracle's delta, after PROCESSED_SETTLE_MS for
 * background work) and webhook.executions, the exactly-once figure: the oracle's delta, else the
 * acceptances when REPLAY_EVIDENCE declares how every replay is marked, else not emitted (not measured).
 */
export async function countProcessed(context: Context, events: Events): Promise<void> {
  const { settings } = rt();
  const before = context.vars.processedBefore;
  if (settings.processedCount && typeof before === 'number') {
    await new Promise((resolve) => setTimeout(resolve, settings.processedSettleMs));
    let after: number | undefined;
    try {
      after = await readOracle();
    } catch (err) {
      // Read once already, so the server changed under load: one line, and the gate is not measured.
      say('error', `webhook-stress-pack: ${(err as Error).message}`);
      throw err;
    }
    const processed = (after ?? before) - before;
    events.emit('counter', WEBHOOK.processed, processed);
    events.emit('counter', WEBHOOK.executions, processed);
  } else if (settings.replayEvidence.declared) {
    events.emit('counter', WEBHOOK.executions, Number(context.vars.acceptedAnswers ?? 0));
  }
  events.emit('counter', WEBHOOK.expectedExecutions, Number(context.vars.expectedExecutions ?? 0));
}
