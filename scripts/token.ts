// `npm run token -- --role reporter --sites ibrahim-khalil,domiz-1 --label "IK day shift"`: issues a token
// on a running server and prints it, the link to open, and that link as a QR code for a phone to scan.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import qrcode from 'qrcode-terminal';
import { z } from 'zod';
import { loadConfig, type Config } from '../server/config.ts';
import { enrolmentLink } from '../shared/enrolment.ts';
import { ErrorBody, TokenRequest } from '../shared/schemas.ts';

const USAGE = `Usage: npm run token -- --role <viewer|analyst|reporter|coordinator|admin> --label "<who>" [--sites a,b] [--expires 2026-12-31T18:00:00+03:00] [--url http://localhost:8080] [--admin-token <token>]
The admin token may also come from HBM_ADMIN_TOKEN.`;

const IssuedToken = z.object({ token: z.string(), id: z.string() });

export interface TokenArgs {
  request: TokenRequest;
  url: string;
  adminToken: string;
}

/** Reads the command line; throws with a message a person can act on. */
export function readTokenArgs(argv: string[], config: Pick<Config, 'adminToken'>): TokenArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string' },
      sites: { type: 'string' },
      label: { type: 'string' },
      expires: { type: 'string' },
      url: { type: 'string', default: 'http://localhost:8080' },
      'admin-token': { type: 'string' },
    },
    strict: true,
  });
  const adminToken = values['admin-token'] ?? config.adminToken;
  if (!adminToken) throw new Error('No admin token: pass --admin-token or set HBM_ADMIN_TOKEN.');
  const sites = values.sites
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const parsed = TokenRequest.safeParse({
    role: values.role,
    label: values.label,
    ...(sites ? { sites } : {}),
    ...(values.expires ? { expiresAt: values.expires } : {}),
  });
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `--${i.path[0] === 'expiresAt' ? 'expires' : String(i.path[0] ?? 'role')}: ${i.message}`).join('\n'));
  }
  return { request: parsed.data, url: values.url.replace(/\/+$/, ''), adminToken };
}

/** Reporters open the field form; every other role the dashboard. The token rides in the fragment, never sent to a server log. */
export function linkFor(url: string, role: TokenRequest['role'], token: string): string {
  return enrolmentLink(url, role, token);
}

async function main(): Promise<void> {
  let args: TokenArgs;
  try {
    args = readTokenArgs(process.argv.slice(2), loadConfig());
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  let response: Response;
  try {
    response = await fetch(`${args.url}/api/tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${args.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(args.request),
    });
  } catch (err) {
    console.error(`Cannot reach ${args.url}: ${err instanceof Error ? err.message : String(err)}. Is the server running (npm start)?`);
    process.exitCode = 1;
    return;
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status !== 201) {
    const error = ErrorBody.safeParse(body);
    console.error(`The server refused (${response.status}): ${error.success ? error.data.error.message : 'no readable answer'}`);
    if (error.success && Array.isArray(error.data.error.details)) {
      for (const d of error.data.error.details) console.error(`  ${JSON.stringify(d)}`);
    }
    process.exitCode = 1;
    return;
  }
  const issued = IssuedToken.parse(body);
  const link = linkFor(args.url, args.request.role, issued.token);
  console.log(`token  ${issued.token}`);
  console.log(`id     ${issued.id}   (revoke: DELETE /api/tokens/${issued.id})`);
  console.log(`link   ${link}`);
  if (args.url.startsWith('http://') && !/^http:\/\/(localhost|127\.0\.0\.1)(:|$)/.test(args.url)) {
    console.log('note   phones keep reports offline only over HTTPS (or on localhost): serve the field form behind HTTPS.');
  }
  qrcode.generate(link, { small: true }, (code) => console.log(code));
}

// Run as a script, not when a test imports the helpers above.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
