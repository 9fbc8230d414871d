// A guard for targets that are not yours: hostile requests, creating webhooks and deleting them
// go to a loopback target, to the target the profile was written for (PROFILE_TARGET), or to a
// target the user names in ALLOW_REMOTE_TARGET. Anything else is one line and no request.

/** Hosts that are this machine: traffic to them never leaves it. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

function origin(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export interface GuardInput {
  /** Where the run sends. */
  target: string;
  /** What would be sent: "hostile requests", "creating webhooks", ... */
  what: string;
  env: Record<string, string | undefined>;
}

/** Undefined when `what` may go to `target`; else the one line that says why not and how to allow it. */
export function targetGuardProblem({ target, what, env }: GuardInput): string | undefined {
  if (isLoopback(target)) return undefined;
  const to = origin(target);
  if (to !== undefined && (origin(env.PROFILE_TARGET) === to || origin(env.ALLOW_REMOTE_TARGET) === to))
    return undefined;
  const profiled = env.PROFILE_TARGET
    ? ` (the profile was written for ${origin(env.PROFILE_TARGET) ?? 'another target'})`
    : '';
  return `refusing ${what} to ${to ?? target}, which is not this machine and not the target of the profile${profiled}: if the server is yours, set ALLOW_REMOTE_TARGET=${to ?? target}`;
}
