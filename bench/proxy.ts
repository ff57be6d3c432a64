// The front door Amina has in the field: nginx, as docs/scaling.md configures it. Amina speaks plain
// HTTP and the offline form needs HTTPS, so every deployment has a proxy in front that ends TLS; the
// reconnect storm is measured through one as well as straight at the server. The bench's nginx is the
// documented one without TLS (no certificate to make, and both systems would pay the same for it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunningProxy {
  url: string;
  stop(): Promise<void>;
}

const NGINX_CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'];

/** nginx's path, or undefined when it is not installed (`apt-get install nginx-light`). */
export function findNginx(): string | undefined {
  for (const candidate of NGINX_CANDIDATES) if (fs.existsSync(candidate)) return candidate;
  const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : undefined;
}

/** A port nobody listens on now: asked of the kernel, then let go for nginx to take. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The upstream block and the location of docs/scaling.md, with one upstream and a plain listener.
 * `keepalive` and the empty Connection header are what let nginx reuse its connections to Amina:
 * without them each request is a new connection that waits in Amina's accept queue (bench/README.md).
 */
export function nginxConfig(dir: string, listenPort: number, upstreamPort: number): string {
  const asRoot = process.getuid?.() === 0;
  return `${asRoot ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events {
    worker_connections 8192;
}
http {
    access_log off;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;

    upstream amina {
        server 127.0.0.1:${upstreamPort};
        keepalive 64;
    }

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      '';
    }

    server {
        listen 127.0.0.1:${listenPort} backlog=4096;
        client_max_body_size 2m;

        location / {
            proxy_pass http://amina;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 75s;
            proxy_send_timeout 75s;
        }
    }
}
`;
}

async function listening(port: number, child: ChildProcess, errorLog: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const log = fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '';
  throw new Error(`nginx did not start listening on ${port}: ${log.trim() || `exit ${child.exitCode}`}`);
}

/** nginx in front of `upstreamUrl`, in a folder of its own, until stopped. */
export async function startProxy(nginx: string, upstreamUrl: string): Promise<RunningProxy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amina-bench-nginx-'));
  const listenPort = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, nginxConfig(dir, listenPort, Number(new URL(upstreamUrl).port)));
  const errorLog = path.join(dir, 'error.log');
  const child = spawn(nginx, ['-p', dir, '-c', conf, '-e', errorLog], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await listening(listenPort, child, errorLog);
  return {
    url: `http://127.0.0.1:${listenPort}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
