// The probe's one way to talk to a receiver: every request and its answer kept as evidence,
// printed with every credential the probe knows masked (packages/common mask.ts).
import { maskSecrets } from 'webhook-stress-common';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  contentType: string;
}

export interface Exchange {
  /** What the request was for, e.g. "standard-signed signal" or "the same delivery again". */
  label: string;
  method: string;
  url: string;
  /** The answer, or the transport error's code. */
  status: number | string;
  contentType: string;
  /** The answer's first bytes. */
  body: string;
}

const BODY_SHOWN = 120;

export class Exchanges {
  readonly all: Exchange[] = [];
  readonly #secrets = new Set<string>();
  #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Values never to show: tokens, secrets, passwords, session tokens. */
  know(...values: (string | undefined)[]): void {
    for (const v of values) if (v) this.#secrets.add(v);
  }

  mask(text: string): string {
    return maskSecrets(text, this.#secrets);
  }

  async send(label: string, url: string, init: RequestInit = {}): Promise<Answer | undefined> {
    const method = init.method ?? 'GET';
    try {
      const response = await fetch(url, { ...init, method, signal: AbortSignal.timeout(this.#timeoutMs) });
      const body = await response.text();
      const headers = Object.fromEntries([...response.headers].map(([k, v]) => [k.toLowerCase(), v]));
      const contentType = headers['content-type'] ?? '';
      this.all.push({ label, method, url, status: response.status, contentType, body: body.slice(0, BODY_SHOWN) });
      return { status: response.status, headers, body, contentType };
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      this.all.push({ label, method, url, status: code, contentType: '', body: '' });
      return undefined;
    }
  }

  /** One exchange as a line of evidence, masked. */
  line(e: Exchange): string {
    const path = new URL(e.url).pathname + (new URL(e.url).search ? '?...' : '');
    const answer = typeof e.status === 'number' ? `HTTP ${e.status}` : e.status;
    const body = e.body ? ` ${JSON.stringify(e.body.replace(/\s+/g, ' '))}` : '';
    return this.mask(
      `${e.label}: ${e.method} ${path} -> ${answer}${e.contentType ? ` (${e.contentType})` : ''}${body}`,
    );
  }

  /** The exchanges sent since `mark` (a length of `all`), as evidence lines. */
  since(mark: number): string[] {
    return this.all.slice(mark).map((e) => this.line(e));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const is2xx = (a: Answer | undefined): a is Answer => a !== undefined && a.status >= 200 && a.status < 300;
export const is4xx = (a: Answer | undefined): boolean => a !== undefined && a.status >= 400 && a.status < 500;
