// The per-request record: where requests are sent (the processor's hooks, the burst
// engine) each worker thread appends 24 bytes per request to its own file; the verdict
// plugin, in the main thread, merges them at the end and removes them. Worker threads
// share the process id, so the directory is named by it: nothing has to be passed to
// a worker. Never a token or a secret: the webhook is recorded by its index in the pool.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

export interface RequestRecord {
  /** Epoch ms when the request was written (burst engine) or sent (http engine). */
  sentAt: number;
  /** ms after the first write of its burst; undefined outside a burst. */
  dispatchOffsetMs: number | undefined;
  /** ms from the write to the answer's first byte; undefined without an answer. */
  latencyMs: number | undefined;
  status: number | undefined;
  outcome: string;
  webhook: number;
}

/** Every request of a run, one typed array per field, in order of sentAt. */
export interface RequestColumns {
  count: number;
  sentAt: Float64Array;
  /** NaN outside a burst. */
  dispatchOffsetMs: Float32Array;
  /** NaN without an answer. */
  latencyMs: Float32Array;
  /** 0 without an answer. */
  status: Uint16Array;
  /** Index into `outcomes`. */
  outcome: Uint8Array;
  webhook: Uint16Array;
  outcomes: string[];
}

const RECORD_BYTES = 24;

export function recordDir(pid: number = process.pid): string {
  return path.join(os.tmpdir(), `webhook-requests-${pid}`);
}

/** Main thread, before the load: a fresh directory; its existence is what switches recording on. */
export function startRecording(dir: string = recordDir()): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/** Removes the record without reading it: for runs that end before their report is written. */
export function discardRecording(dir: string = recordDir()): void {
  rmSync(dir, { recursive: true, force: true });
}

interface Writer {
  fd: number;
  names: string[];
  namesFile: string;
}

let writer: Writer | null | undefined;

function openWriter(): Writer | null {
  const dir = recordDir();
  if (!existsSync(dir)) return null;
  const fd = openSync(path.join(dir, `${threadId}.bin`), 'a');
  return { fd, names: [], namesFile: path.join(dir, `${threadId}.outcomes.json`) };
}

const buffer = Buffer.alloc(RECORD_BYTES);

/** Appends one request to this thread's file; does nothing when no verdict plugin is recording. */
export function appendRequest(r: RequestRecord): void {
  try {
    if (writer === undefined) writer = openWriter();
    if (writer === null) return;
    let code = writer.names.indexOf(r.outcome);
    if (code < 0) {
      code = writer.names.push(r.outcome) - 1;
      writeFileSync(writer.namesFile, JSON.stringify(writer.names));
    }
    buffer.writeDoubleLE(r.sentAt, 0);
    buffer.writeFloatLE(r.dispatchOffsetMs ?? Number.NaN, 8);
    buffer.writeFloatLE(r.latencyMs ?? Number.NaN, 12);
    buffer.writeUInt16LE(Math.min(r.status ?? 0, 65535), 16);
    buffer.writeUInt8(code, 18);
    buffer.writeUInt16LE(Math.min(Math.max(r.webhook, 0), 65535), 20);
    writeSync(writer.fd, buffer);
  } catch (err) {
    // The record is evidence for the charts, never a reason to fail the load.
    console.error(`request record: stopped writing: ${(err as Error).message}`);
    if (writer) closeSync(writer.fd);
    writer = null;
  }
}

/** Closes this thread's file; the next append opens it again (a second recording in one process: the bench). */
export function closeWriter(): void {
  if (writer) closeSync(writer.fd);
  writer = undefined;
}

/** Main thread, after the load: every worker's records in one set of columns; the files are removed. */
export function collectRequests(dir: string = recordDir()): RequestColumns | undefined {
  if (!existsSync(dir)) return undefined;
  const outcomes: string[] = [];
  const parts: { bytes: Buffer; map: number[] }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.bin'))) {
    const bytes = readFileSync(path.join(dir, file));
    const namesFile = path.join(dir, file.replace(/\.bin$/, '.outcomes.json'));
    const names = existsSync(namesFile) ? (JSON.parse(readFileSync(namesFile, 'utf8')) as string[]) : [];
    const map = names.map((n) => {
      const i = outcomes.indexOf(n);
      return i >= 0 ? i : outcomes.push(n) - 1;
    });
    parts.push({ bytes, map });
  }
  rmSync(dir, { recursive: true, force: true });
  const count = parts.reduce((n, p) => n + Math.floor(p.bytes.length / RECORD_BYTES), 0);
  const raw = {
    sentAt: new Float64Array(count),
    dispatchOffsetMs: new Float32Array(count),
    latencyMs: new Float32Array(count),
    status: new Uint16Array(count),
    outcome: new Uint8Array(count),
    webhook: new Uint16Array(count),
  };
  let k = 0;
  for (const { bytes, map } of parts) {
    for (let at = 0; at + RECORD_BYTES <= bytes.length; at += RECORD_BYTES, k++) {
      raw.sentAt[k] = bytes.readDoubleLE(at);
      raw.dispatchOffsetMs[k] = bytes.readFloatLE(at + 8);
      raw.latencyMs[k] = bytes.readFloatLE(at + 12);
      raw.status[k] = bytes.readUInt16LE(at + 16);
      raw.outcome[k] = map[bytes.readUInt8(at + 18)] ?? 0;
      raw.webhook[k] = bytes.readUInt16LE(at + 20);
    }
  }
  const order = Array.from({ length: count }, (_, i) => i).sort(
    (a, b) => (raw.sentAt[a] as number) - (raw.sentAt[b] as number),
  );
  return {
    count,
    sentAt: Float64Array.from(order, (i) => raw.sentAt[i] as number),
    dispatchOffsetMs: Float32Array.from(order, (i) => raw.dispatchOffsetMs[i] as number),
    latencyMs: Float32Array.from(order, (i) => raw.latencyMs[i] as number),
    status: Uint16Array.from(order, (i) => raw.status[i] as number),
    outcome: Uint8Array.from(order, (i) => raw.outcome[i] as number),
    webhook: Uint16Array.from(order, (i) => raw.webhook[i] as number),
    outcomes,
  };
}
