// Releases a burst by its last byte (the last-byte synchronisation of race-condition
// testers): every connection is opened, every request is written but its final body
// byte, and once all of those bytes have left and the receiver has had a moment to
// read them, one synchronous loop writes the final bytes. No request is complete
// before the release, so the receiver cannot start on one while the loop runs, and
// the loop is 1-byte writes, not whole requests. A request without a body waits whole
// in its corked socket instead. Node's own HTTP client parses the answers.
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { epochMs } from './clock.ts';

export interface PreparedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

export interface Answer {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  bytes: number;
}

export interface RequestResult {
  /** Epoch ms (sub-ms precision) when the request's bytes were handed to the kernel; undefined if never sent. */
  writtenAt: number | undefined;
  /** Epoch ms when the answer's status line and headers had arrived. */
  answeredAt: number | undefined;
  answer: Answer | undefined;
  error: NodeJS.ErrnoException | undefined;
}

export interface BurstTiming {
  firstWriteAt: number;
  lastWriteAt: number;
  /** First write to last, handed to the kernel; with deferred writes (TLS) an upper bound. */
  spreadMs: number;
  /** Epoch ms of the last answer (or error): the server decided every request before it. */
  lastAnswerAt: number;
  connectMs: number;
  /** Requests whose bytes the kernel had not taken when their write returned (timed when flushed instead). */
  deferredWrites: number;
  /**
   * Requests the receiver answered (or closed) on their held part alone, before the release: a limiter
   * or a check that decides on the headers. Timed from when their held part left; not in the spread.
   */
  answeredBeforeRelease: number;
}

export interface BurstOutcome {
  results: RequestResult[];
  /** Undefined when the burst was never released (a connection failed). */
  timing: BurstTiming | undefined;
}

export interface DispatchOptions {
  timeoutMs: number;
  tls: tls.ConnectionOptions;
  /**
   * `last-byte` (the default) holds back each request's final byte; `whole` holds each whole
   * request in its corked socket, as before last-byte release (kept for bench:spread's comparison).
   */
  release?: 'last-byte' | 'whole';
  /** Pause, ms, between the held requests leaving and the release, for the receiver to read them. */
  settleMs?: number;
}

/** Long enough for a receiver on the same cores to read 100 held requests' headers. */
export const DEFAULT_SETTLE_MS = 20;

function transportError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

function connect(url: URL, options: DispatchOptions): Promise<net.Socket> {
  const secure = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (secure ? 443 : 80);
  return new Promise((resolve, reject) => {
    const socket = secure
      ? tls.connect({
          ...options.tls,
          host,
          port,
          ALPNProtocols: ['http/1.1'],
          ...(net.isIP(host) ? {} : { servername: host }),
        })
      : net.connect({ host, port });
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(transportError('ETIMEDOUT', `no connection to ${url.host} within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      // Until its request takes the socket, an error (a reset while others connect) must not go unhandled;
      // the request's own listener reports it.
      socket.on('error', () => {});
      resolve(socket);
    });
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', onError);
  });
}

interface Buffered {
  req: http.ClientRequest;
  /** What the release writes: the held final byte, or undefined when the whole request waits corked. */
  finalByte: Buffer | undefined;
  /** Resolves when the held part has been handed to the kernel (at once for a corked request). */
  held: Promise<void>;
  /** Epoch ms the held part was handed to the kernel; undefined for a corked request. */
  heldAt: () => number | undefined;
  /** Resolves when the answer is complete, or the request failed. */
  settled: Promise<void>;
}

/** Writes one request but its final byte (or, without a body or in `whole` mode, all of it into its corked socket). */
function hold(request: PreparedRequest, socket: net.Socket, result: RequestResult, lastByte: boolean): Buffered {
  const body = request.body;
  const partial = lastByte && body !== undefined && body.length > 0;
  if (!partial) socket.cork();
  const headers: Record<string, string> = { host: request.url.host, ...request.headers };
  if (body !== undefined) headers['content-length'] = String(body.length);
  const req = http.request({
    method: request.method,
    path: `${request.url.pathname}${request.url.search}`,
    headers,
    createConnection: () => socket,
  });
  const settled = new Promise<void>((resolve) => {
    req.on('response', (res) => {
      result.answeredAt = epochMs();
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const answer = Buffer.concat(chunks);
        const statusCode = res.statusCode ?? 0;
        result.answer = { statusCode, headers: res.headers, body: answer.toString('utf8'), bytes: answer.length };
        socket.destroy();
        resolve();
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      result.error ??= err;
      result.answeredAt ??= epochMs();
      socket.destroy();
      resolve();
    });
    // Also ends a request cut off after its headers (timeout, reset mid-body).
    req.on('close', () => {
      if (result.answer === undefined) {
        result.error ??= transportError('ECONNRESET', 'connection closed before the answer was complete');
        result.answeredAt ??= epochMs();
      }
      resolve();
    });
  });
  if (!partial) {
    req.end(body);
    return { req, finalByte: undefined, held: Promise.resolve(), heldAt: () => undefined, settled };
  }
  let heldAt: number | undefined;
  // With content-length set the body is not chunked: these bytes and the final one are the request.
  const held = new Promise<void>((resolve) => {
    req.write(body.subarray(0, body.length - 1), () => {
      heldAt = epochMs();
      resolve();
    });
    settled.then(resolve);
  });
  return { req, finalByte: body.subarray(body.length - 1), held, heldAt: () => heldAt, settled };
}

export async function releaseBurst(requests: PreparedRequest[], options: DispatchOptions): Promise<BurstOutcome> {
  const results: RequestResult[] = requests.map(() => ({
    writtenAt: undefined,
    answeredAt: undefined,
    answer: undefined,
    error: undefined,
  }));
  const connectStart = performance.now();
  const opened = await Promise.allSettled(requests.map((r) => connect(r.url, options)));
  const connectMs = performance.now() - connectStart;
  const sockets: net.Socket[] = [];
  opened.forEach((o, i) => {
    if (o.status === 'fulfilled') sockets.push(o.value);
    else (results[i] as RequestResult).error = o.reason as NodeJS.ErrnoException;
  });
  if (sockets.length < requests.length) {
    for (const socket of sockets) socket.destroy();
    return { results, timing: undefined };
  }

  const lastByte = (options.release ?? 'last-byte') === 'last-byte';
  const buffered = requests.map((r, i) => hold(r, sockets[i] as net.Socket, results[i] as RequestResult, lastByte));
  // Node hands a request its socket on the next tick; after it, a corked request sits in its socket,
  // and a held one has been written up to its final byte once its write calls back.
  await new Promise((resolve) => setImmediate(resolve));
  await Promise.all(buffered.map((b) => b.held));
  buffered.forEach((b, i) => {
    const corked = b.finalByte === undefined;
    if (
      corked &&
      (sockets[i] as net.Socket).writableLength === 0 &&
      (results[i] as RequestResult).error === undefined
    ) {
      throw new Error('burst engine: a request was not buffered before the release');
    }
  });
  if (buffered.some((b) => b.finalByte !== undefined)) {
    await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? DEFAULT_SETTLE_MS));
  }

  let deferredWrites = 0;
  let answeredBeforeRelease = 0;
  const released = new Set<number>();
  // The earliest moment any byte can have left: a write taken at once left when its call returned;
  // a deferred one (below) may have left as soon as its call began.
  let earliestWriteAt = Number.POSITIVE_INFINITY;
  for (let i = 0; i < sockets.length; i++) {
    const socket = sockets[i] as net.Socket;
    const held = buffered[i] as Buffered;
    const result = results[i] as RequestResult;
    if (socket.destroyed || result.answeredAt !== undefined) {
      result.writtenAt ??= held.heldAt();
      answeredBeforeRelease += 1;
      continue;
    }
    released.add(i);
    const calledAt = epochMs();
    // The final byte goes straight to its socket (the request's own end() follows the loop), so
    // the loop is one 1-byte write per socket and nothing else.
    if (held.finalByte === undefined) socket.uncork();
    else socket.write(held.finalByte);
    if (socket.writableLength === 0) {
      result.writtenAt = epochMs();
      earliestWriteAt = Math.min(earliestWriteAt, result.writtenAt);
    } else {
      // Not taken by the kernel in this call (TLS, a full buffer): known written only when the
      // request reports itself flushed, so the spread runs from this call to then: an upper bound.
      earliestWriteAt = Math.min(earliestWriteAt, calledAt);
      deferredWrites += 1;
      (buffered[i] as Buffered).req.once('finish', () => {
        result.writtenAt ??= epochMs();
      });
    }
  }

  for (const [i, held] of buffered.entries()) if (released.has(i) && held.finalByte !== undefined) held.req.end();

  const timer = setTimeout(() => {
    buffered.forEach(({ req }, i) => {
      const result = results[i] as RequestResult;
      if (result.answer === undefined) {
        result.error ??= transportError('ETIMEDOUT', `no answer within ${options.timeoutMs} ms`);
        req.destroy(result.error);
      }
    });
  }, options.timeoutMs);
  await Promise.all(buffered.map((b) => b.settled));
  clearTimeout(timer);

  // The spread is the final bytes'; when the receiver decided every request on its held part
  // (headers), it is the held parts' instead: those were what it decided on.
  const written = results
    .filter((_, i) => released.size === 0 || released.has(i))
    .map((r) => r.writtenAt)
    .filter((t): t is number => t !== undefined);
  if (written.length === 0) return { results, timing: undefined };
  const firstWriteAt = Math.min(...written);
  const lastWriteAt = Math.max(...written);
  return {
    results,
    timing: {
      firstWriteAt,
      lastWriteAt,
      spreadMs: lastWriteAt - Math.min(earliestWriteAt, firstWriteAt),
      lastAnswerAt: Math.max(...results.map((r) => r.answeredAt ?? lastWriteAt)),
      connectMs,
      deferredWrites,
      answeredBeforeRelease,
    },
  };
}
