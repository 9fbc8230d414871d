// The environment for a test that installs the packed pack in a folder of its own, as a user
// would: the repository's Node 22 and npm first on the PATH, telemetry off, and nothing of the
// pack's own settings (or of npm's run of this test) leaking in from this process.
import path from 'node:path';
import { ROOT } from '../../reference-server/launch.ts';

const LEAKING =
  /^(npm_|REPORTS_DIR$|BASE_URL$|BASELINE_|SERVER_|MONITOR_|WEBHOOK_|PROCESSED_|ARTILLERY_PLUGIN_PATH$|NODE_PATH$)/;

export const packageTestEnv: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !LEAKING.test(e[0])),
  ),
  PATH: `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
  ARTILLERY_DISABLE_TELEMETRY: 'true',
};
