// What every hook of one processor shares in its thread, made on first use (so importing a
// scenario's module reads nothing and exits nowhere): the settings, this stream of signals,
// the classifier and the place in the webhook pool.
import { cpus } from 'node:os';
import { threadId } from 'node:worker_threads';
import { applyProfile, resolveTarget } from 'webhook-stress-common';
import { type Classifier, createClassifier } from '../lib/classify.ts';
import { readSettings, type Settings } from '../lib/settings.ts';
import { createSignalGenerator, type SignalGenerator, streamSeed } from '../lib/signals.ts';
import { createWebhookPicker, localWorkerCount, type WebhookPicker, workerSlot } from '../lib/webhook-choice.ts';
import type { Context } from './artillery.ts';
import { fatal } from './fatal.ts';
import { knowCredentials } from './say.ts';

export interface Runtime {
  settings: Settings;
  signals: SignalGenerator;
  classifier: Classifier;
  picker: WebhookPicker;
}

let runtime: Runtime | undefined;

export function rt(): Runtime {
  if (runtime) return runtime;
  let settings: Settings;
  try {
    // The profile in this folder (or WEBHOOK_STRESS_PROFILE) fills in what the environment leaves unset.
    applyProfile();
    settings = readSettings(process.env);
  } catch (err) {
    fatal(err);
  }
  knowCredentials(settings.credentials, settings.login.password);
  // Each load generator (GENERATOR_INDEX) and each of its worker threads sends a stream of its
  // own, in content as in ids: N generators never send one signal's content twice.
  const tag = `g${settings.generatorIndex ?? 0}t${threadId}`;
  runtime = {
    settings,
    signals: createSignalGenerator({
      seed: streamSeed(settings.seed, settings.generatorIndex ?? 0, threadId),
      stream: `${tag}.${process.pid}.${Date.now().toString(36)}`,
      tag,
      symbols: settings.symbols,
    }),
    classifier: createClassifier(settings),
    picker: createWebhookPicker(workerSlot(threadId, localWorkerCount(cpus().length))),
  };
  return runtime;
}

/** The server this run targets: the scenario's target, or BASE_URL under the default one. */
export function baseUrlOf(context: Context): string {
  return resolveTarget(context.vars.target as string | undefined, rt().settings.baseUrl);
}
