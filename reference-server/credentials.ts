// Stateless credentials, derived from one server key like signed session tokens:
// any worker process given the same key can check a session and find a webhook's
// secret without shared storage (the --workers mode shares no memory). A secret is a Standard
// Webhooks one (whsec_ and base64 of 32 bytes), which every scheme can use: the HMAC schemes
// take its text as their key (Stripe's own secrets look like this), Standard Webhooks decodes it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface WebhookCredentials {
  token: string;
  secret: string;
}

export interface CredentialAuthority {
  issueSession(): string;
  isSession(token: string): boolean;
  issueWebhook(): WebhookCredentials;
  /** The webhook's secret, or undefined when the token was not issued with this key. */
  secretFor(token: string): string | undefined;
}

export function createCredentialAuthority(key: string): CredentialAuthority {
  const mac = (purpose: string, value: string) => createHmac('sha256', key).update(`${purpose}:${value}`).digest('hex');
  const secretOf = (token: string) => `whsec_${createHmac('sha256', key).update(`secret:${token}`).digest('base64')}`;
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  return {
    issueSession() {
      const nonce = randomBytes(16).toString('hex');
      return `${nonce}.${mac('session', nonce)}`;
    },
    isSession(token) {
      const [nonce = '', signature = ''] = token.split('.');
      return nonce !== '' && same(signature, mac('session', nonce));
    },
    issueWebhook() {
      const id = randomBytes(8).toString('hex');
      const token = `${id}${mac('webhook', id).slice(0, 16)}`;
      return { token, secret: secretOf(token) };
    },
    secretFor(token) {
      const id = token.slice(0, 16);
      if (token.length !== 32 || !same(token.slice(16), mac('webhook', id).slice(0, 16))) return undefined;
      return secretOf(token);
    },
  };
}
