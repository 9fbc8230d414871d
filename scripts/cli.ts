// `webhook-stress <command> [...]`: the pack as one command, from any folder (npx webhook-stress ...),
// as `npx autocannon` or `k6 run` are; the repository's npm scripts call the same command.
// Each command is its script, run with the rest of the arguments; `run <scenario>` is Artillery on
// one of the pack's scenarios. The caller's folder holds the profile (webhook-stress.profile) and reports/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const SCRIPTS: Record<string, { file: string; what: string }> = {
  probe: { file: 'probe', what: "find out a receiver's contract and write its profile" },
  stress: { file: 'stress', what: "run the guide's suite (every scenario, or --only a,b)" },
  report: { file: 'report', what: 'rebuild, compare or merge reports' },
  monitor: { file: 'monitor', what: 'the stand-alone server health monitor' },
  target: { file: '../reference-server/main', what: "start the pack's reference target (and write its profile)" },
  'ci-summary': { file: 'ci-summary', what: 'the newest verdicts as Markdown for a CI job summary' },
};

const ext = path.extname(import.meta.filename);

function usage(): string {
  const rows = Object.entries(SCRIPTS).map(([name, { what }]) => `  ${name.padEnd(11)}${what}`);
  return [
    'usage: webhook-stress <command> [options]',
    ...rows,
    `  ${'run'.padEnd(11)}one scenario with Artillery: webhook-stress run burst [artillery run options]`,
  ].join('\n');
}

async function runScenario(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  const { loadRegistry } = await import(`./lib/registry${ext}`);
  const { runArtillery } = await import(`./lib/artillery-cli${ext}`);
  const registry: { name: string; file: string }[] = await loadRegistry();
  const scenario = registry.find((s) => s.name === name);
  if (!scenario) {
    console.error(
      `webhook-stress run: ${name ? `unknown scenario "${name}"` : 'give a scenario'}; choose from ${registry.map((s) => s.name).join(', ')}`,
    );
    process.exit(2);
  }
  // Artillery's own options pass through (e.g. --output, --target, --dotenv), ahead of the scenario file.
  const code: number | null = await runArtillery(scenario.file, {
    extraArgs: rest,
    env: { WEBHOOK_STRESS_PROFILE: process.env.WEBHOOK_STRESS_PROFILE ?? '' },
  });
  process.exit(code ?? 1);
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'run') return runScenario(args);
  const script = command ? SCRIPTS[command] : undefined;
  if (!script) {
    console.error(
      command && command !== '--help' ? `webhook-stress: unknown command "${command}"\n${usage()}` : usage(),
    );
    process.exit(command === '--help' ? 0 : 2);
  }
  const file = path.join(import.meta.dirname, `${script.file}${ext}`);
  if (!existsSync(file)) {
    console.error(`webhook-stress: ${command} is not in this build (${file}); run npm run build`);
    process.exit(2);
  }
  process.argv = [process.argv[0] ?? 'node', file, ...args];
  await import(pathToFileURL(file).href);
}

await main();
