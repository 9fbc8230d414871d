// Releases a burst: every connection is opened first, every request is built and
// buffered in its corked socket, then one synchronous loop uncorks them all, so the
// bytes reach the kernel back to back. Node's own HTTP client parses the answers.
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';

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
}

export interface BurstOutcome {
  results: RequestResult[];
  /** Undefined when the burst was never released (a connection failed). */
  timing: BurstTiming | undefined;
}

export interface DispatchOptions {
  timeoutMs: number;
  tls: tls.ConnectionOptions;
}

const epochMs = () => performance.timeOrigin + performance.now();

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
  /** Resolves when the answer is complete, or the request failed. */
  settled: Promise<void>;
}

/** Writes one request into its corked socket, where it waits for the release. */
function buffer(request: PreparedRequest, socket: net.Socket, result: RequestResult): Buffered {
  socket.cork();
  const headers: Record<string, string> = { host: request.url.host, ...request.headers };
  if (request.body !== undefined) headers['content-length'] = String(request.body.length);
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
        const body = Buffer.concat(chunks);
        const statusCode = res.statusCode ?? 0;
        result.answer = { statusCode, headers: res.headers, body: body.toString('utf8'), bytes: body.length };
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
  req.end(request.body);
  return { req, settled };
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

  const buffered = requests.map((r, i) => buffer(r, sockets[i] as net.Socket, results[i] as RequestResult));
  // Node hands a request its socket on the next tick; after it, every request sits in its corked socket.
  await new Promise((resolve) => setImmediate(resolve));
  sockets.forEach((socket, i) => {
    if (socket.writableLength === 0 && (results[i] as RequestResult).error === undefined) {
      throw new Error('burst engine: a request was not buffered before the release');
    }
  });

  let deferredWrites = 0;
  // The earliest moment any byte can have left: a write taken at once left when its call returned;
  // a deferred one (below) may have left as soon as its call began.
  let earliestWriteAt = Number.POSITIVE_INFINITY;
  for (let i = 0; i < sockets.length; i++) {
    const socket = sockets[i] as net.Socket;
    const calledAt = epochMs();
    socket.uncork();
    const result = results[i] as RequestResult;
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

  const written = results.map((r) => r.writtenAt).filter((t): t is number => t !== undefined);
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
    },
  };
}
