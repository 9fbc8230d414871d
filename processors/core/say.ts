// What the processor prints: every line that may hold a URL or a server's answer is masked
// with every credential this thread knows (webhook-stress-common mask.ts), so no token,
// secret or password reaches a console, a CI log or a counter name.
import { maskSecrets } from 'webhook-stress-common';
import type { WebhookCredentials } from '../lib/provision.ts';

const knownSecrets = new Set<string>();

export function knowCredentials(webhooks: readonly WebhookCredentials[], ...others: (string | undefined)[]): void {
  for (const value of [...webhooks.flatMap((w) => [w.token, w.secret]), ...others]) if (value) knownSecrets.add(value);
}

export function masked(text: string): string {
  return maskSecrets(text, knownSecrets);
}

export function say(stream: 'log' | 'error', line: string): void {
  console[stream](masked(line));
}
