// `npm run probe -- --target URL`: asks a receiver, with a small bounded number of requests, what
// the pack needs to know (reachable, provisioning, signing scheme, content type of an acceptance,
// replay marking, processed counter, idempotency window, rate limit, server process), prints
// each value with how sure it is and its evidence (masked), and writes one profile
// (scripts/lib/probe/profile-text.ts) that every command reads.
import { writeFileSync } from 'node:fs';
import { applyProfileTo, ProfileError, targetGuardProblem } from 'webhook-stress-common';
import { readSettings, SettingsError } from '../processors/lib/settings.ts';
import type { CounterSource } from './lib/probe/counter.ts';
import { Exchanges } from './lib/probe/exchange.ts';
import type { Finding } from './lib/probe/finding.ts';
import { probeLimit } from './lib/probe/limit.ts';
import { ProbeOptionError, type ProbeOptions, readProbeOptions } from './lib/probe/probe-options.ts';
import { GIVEN_SETTINGS, profileText } from './lib/probe/profile-text.ts';
import { ProbeError, provision, reach, removeWebhook } from './lib/probe/provisioning.ts';
import { probeReplay } from './lib/probe/replay.ts';
import { probeScheme } from './lib/probe/scheme.ts';
import { type ProbeContext, probeSignals } from './lib/probe/sending.ts';
import { probeServerProcess } from './lib/probe/server-process.ts';
import { probeWindow } from './lib/probe/window.ts';

function counterSource(options: ProbeOptions, env: Record<string, string | undefined>): CounterSource {
  if (options.countUrl)
    return {
      url: options.countUrl,
      format: options.countJsonPath !== undefined || !/metrics/.test(options.countUrl) ? 'json' : 'prometheus',
    };
  if (env.PROCESSED_COUNT_URL)
    return { url: env.PROCESSED_COUNT_URL, format: env.PROCESSED_COUNT_JSON_PATH ? 'json' : 'prometheus' };
  return { url: `${options.target}/metrics`, format: 'prometheus' };
}

function print(findings: Finding[], exchanges: Exchanges): void {
  const width = Math.max(...findings.map((f) => f.property.length));
  for (const f of findings) {
    console.log(exchanges.mask(`${f.property.padEnd(width)}  ${f.value}  [${f.confidence}]`));
    console.log(exchanges.mask(`${' '.repeat(width)}  ${f.because}`));
    for (const line of f.evidence) console.log(`${' '.repeat(width)}    ${line}`);
  }
}

async function probe(options: ProbeOptions, env: Record<string, string | undefined>): Promise<void> {
  const refused = targetGuardProblem({
    target: options.target,
    what: 'probing (forged signatures, creating webhooks)',
    env,
  });
  if (refused) throw new ProbeOptionError(refused);
  // The scheme is what the probe finds out: a profile's SIGNING_SCHEME must not decide which secret is usable.
  const settings = readSettings({ ...env, BASE_URL: options.target, SIGNING_SCHEME: undefined });
  const exchanges = new Exchanges(settings.requestTimeoutMs);
  const findings: Finding[] = [await reach(options.target, exchanges)];
  const provisioned = await provision(options.target, settings, exchanges);
  findings.push(...provisioned.findings);
  const ctx: ProbeContext = {
    target: options.target,
    settings: provisioned.settings,
    webhook: provisioned.webhook,
    exchanges,
    signals: probeSignals(),
  };
  try {
    const scheme = await probeScheme(ctx);
    findings.push(scheme.finding, ...(scheme.acceptance ? [scheme.acceptance] : []));
    if (scheme.scheme !== undefined && scheme.finding.confidence !== 'undetermined') {
      const replay = await probeReplay(ctx, scheme.scheme, counterSource(options, env));
      findings.push(replay.counter, replay.marking);
      if (!options.skip.has('window') && replay.processed)
        findings.push(await probeWindow(ctx, scheme.scheme, replay.processed));
      if (!options.skip.has('limit')) findings.push(await probeLimit(ctx, scheme.scheme));
    }
  } finally {
    findings.push(await removeWebhook(options.target, provisioned, exchanges));
  }
  findings.push(probeServerProcess(options.target));
  print(findings, exchanges);
  const given = Object.fromEntries(GIVEN_SETTINGS.flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
  const credentials = settings.credentials[0];
  const secrets: Record<string, string> | undefined = !options.storeSecrets
    ? undefined
    : credentials
      ? { WEBHOOK_TOKEN: credentials.token, WEBHOOK_SECRET: credentials.secret }
      : env.AUTH_PASSWORD
        ? { AUTH_PASSWORD: env.AUTH_PASSWORD }
        : {};
  writeFileSync(options.out, profileText({ target: options.target, at: new Date(), findings, given, secrets }));
  const open = findings.filter((f) => f.confidence === 'undetermined').map((f) => f.property);
  console.log(
    `Wrote ${options.out}: ${findings.length - open.length} of ${findings.length} properties found${open.length ? `; undetermined: ${open.join(', ')} (see its comments)` : ''}. Next: npm run stress -- --profile ${options.out}`,
  );
}

try {
  const argv = process.argv.slice(2);
  const env: Record<string, string | undefined> = { ...process.env };
  const options = readProbeOptions(argv, env);
  // A profile named (--profile or WEBHOOK_STRESS_PROFILE) fills in what the environment leaves
  // unset; the default one is not read, it is what the probe rewrites.
  if (options.profile) env.WEBHOOK_STRESS_PROFILE = options.profile;
  if (env.WEBHOOK_STRESS_PROFILE && env.WEBHOOK_STRESS_PROFILE !== 'off') applyProfileTo(env);
  await probe(options, env);
} catch (err) {
  if (
    err instanceof ProbeOptionError ||
    err instanceof ProbeError ||
    err instanceof ProfileError ||
    err instanceof SettingsError
  ) {
    console.error(`probe: ${(err as Error).message}`);
    process.exit(2);
  }
  throw err;
}
