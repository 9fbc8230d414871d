// The shapes Artillery hands a processor's hooks (artillery/types.d.ts), and what the pack's
// hooks add to a request: the moments the per-request record is built from.
import type { HookDone, HttpResponse, VUContext, VUEvents } from 'artillery';

export type Context = VUContext;
export type Events = VUEvents;
export type Done = HookDone;

/** A request as the pack's beforeRequest hooks fill it in (Artillery's http engine and the burst engine). */
export interface SignalRequest {
  url: string;
  /** Epoch ms: set when signed; the burst engine sets when written and how long after its burst's first write. */
  signedAt?: number;
  writtenAt?: number;
  dispatchOffsetMs?: number;
  /** Seconds; Artillery's http.timeout for this request. */
  timeout?: number;
  headers?: Record<string, string>;
  body?: string;
  json?: unknown;
  /** Artillery may call onError twice for one failed request (got's error event and its promise). */
  transportErrorRecorded?: boolean;
}

/** An answer as afterResponse hooks see it: got's timings (firstByte is http.response_time). */
export type SignalResponse = HttpResponse & {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  timings?: { start?: number; upload?: number; phases?: { firstByte?: number } };
};

export type BeforeRequest = (params: SignalRequest, context: Context, events: Events, done: Done) => void;
export type AfterResponse = (
  params: SignalRequest,
  response: SignalResponse,
  context: Context,
  events: Events,
  done: Done,
) => void;
export type FlowStep = (context: Context, events: Events, done: Done) => void;
