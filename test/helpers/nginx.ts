// Debian's nginx as a receiver the pack did not build: `limit_req` in front of a tiny
// upstream (a second server block of the same nginx), on free loopback ports, every
// path under a temp dir, started in the foreground and stopped by its pid.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const NGINX = '/usr/sbin/nginx';

export interface RunningNginx {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface NginxLimiter {
  /** `limit_req_zone ... rate=<rate>r/s`; undefined: no limiter at all. */
  rate?: number;
  /** `limit_req ... burst=<burst> nodelay`. */
  burst?: number;
  /** What the zone is keyed on: `$uri` (per webhook, the default) or e.g. `$server_port` (one limit for all). */
  key?: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

function config(dir: string, port: number, upstreamPort: number, limiter: NginxLimiter): string {
  const limited = limiter.rate !== undefined;
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${limited ? `limit_req_zone ${limiter.key ?? '$uri'} zone=webhooks:1m rate=${limiter.rate}r/s;\n  limit_req_status 429;` : ''}
  server {
    listen 127.0.0.1:${port};
    location /api/v1/webhooks/ {
      ${limited ? `limit_req zone=webhooks burst=${limiter.burst ?? 0} nodelay;` : ''}
      proxy_pass http://127.0.0.1:${upstreamPort};
    }
  }
  server {
    listen 127.0.0.1:${upstreamPort};
    location / { default_type application/json; return 200 '{"status":"ok"}'; }
  }
}
`;
}

export async function startNginx(limiter: NginxLimiter): Promise<RunningNginx> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pack-nginx-'));
  const port = await freePort();
  const upstreamPort = await freePort();
  const confFile = path.join(dir, 'nginx.conf');
  writeFileSync(confFile, config(dir, port, upstreamPort, limiter));
  const child: ChildProcess = spawn(NGINX, ['-c', confFile, '-p', `${dir}/`, '-e', `${dir}/error.log`], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await answers(url))) {
    const log = existsSync(`${dir}/error.log`) ? readFileSync(`${dir}/error.log`, 'utf8') : '';
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nginx did not start on ${url}: ${log.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}
