// Writes the interface documents to files, and with --lint checks them as CI does:
//   npm run lint:api                  (the same as below, into node_modules/.cache/amina-api)
//   tsx scripts/apiDocuments.ts --out DIR [--lint]
// OpenAPI is linted by Redocly CLI with the repository's redocly.yaml, AsyncAPI by the AsyncAPI parser.
// Nothing is fetched: both linters run on the files alone, and Redocly's telemetry is off.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Parser } from '@asyncapi/parser';
import { VERSION } from '../server/app.ts';
import { openApiDocument } from '../server/http/apiDocument.ts';
import { asyncApiDocument } from '../server/http/asyncApiDocument.ts';
import { runMain, UsageError } from './cli.ts';

const root = path.resolve(import.meta.dirname, '..');

/** Writes openapi.json and asyncapi.json into `dir`; returns their paths. */
export function writeDocuments(dir: string): { openapi: string; asyncapi: string } {
  fs.mkdirSync(dir, { recursive: true });
  const openapi = path.join(dir, 'openapi.json');
  const asyncapi = path.join(dir, 'asyncapi.json');
  fs.writeFileSync(openapi, `${JSON.stringify(openApiDocument(VERSION), null, 2)}\n`);
  fs.writeFileSync(asyncapi, `${JSON.stringify(asyncApiDocument(VERSION), null, 2)}\n`);
  return { openapi, asyncapi };
}

interface RedoclyProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string }[];
}

/**
 * Redocly exits 0 on warnings; here a warning fails as an error does, so the document stays clean
 * (rules are kept, or turned off in redocly.yaml with the reason). Returns the number of problems.
 */
function lintOpenApi(file: string): number {
  let output: string;
  try {
    output = execFileSync(
      path.join(root, 'node_modules', '.bin', 'redocly'),
      ['lint', '--config', path.join(root, 'redocly.yaml'), '--format', 'json', file],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        // the child inherits this process's environment, as any child does; nothing here reads it
        // eslint-disable-next-line no-restricted-properties
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' },
      },
    );
  } catch (err) {
    // Non-zero on errors: the report is on stdout all the same.
    output = String((err as { stdout?: string }).stdout ?? '');
  }
  const report = JSON.parse(output) as { totals: { errors: number; warnings: number }; problems: RedoclyProblem[] };
  for (const p of report.problems) {
    console.error(`${path.relative(root, file)} ${p.location[0]?.pointer ?? ''}: ${p.severity} ${p.ruleId}: ${p.message}`);
  }
  const count = report.totals.errors + report.totals.warnings;
  if (!count) console.log(`${path.relative(root, file)}: valid OpenAPI, no Redocly problems.`);
  return count;
}

/** Every diagnostic the parser gives, of any severity, fails: the document is kept clean. */
async function lintAsyncApi(file: string): Promise<number> {
  const { diagnostics } = await new Parser().parse(fs.readFileSync(file, 'utf8'), { source: file });
  const severity = ['error', 'warning', 'info', 'hint'];
  for (const d of diagnostics) {
    console.error(`${file} ${d.path.join('.') || '(root)'}: ${severity[d.severity] ?? d.severity} ${d.code}: ${d.message}`);
  }
  if (!diagnostics.length) console.log(`${path.relative(root, file)}: valid AsyncAPI ${asyncApiDocument(VERSION).asyncapi}, no diagnostics.`);
  return diagnostics.length;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, lint: { type: 'boolean', default: false } } });
  if (!values.out) throw new UsageError('Usage: tsx scripts/apiDocuments.ts --out DIR [--lint]');
  const files = writeDocuments(path.resolve(values.out));
  console.log(`Wrote ${path.relative(process.cwd(), files.openapi)} and ${path.relative(process.cwd(), files.asyncapi)}.`);
  if (!values.lint) return 0;
  const problems = lintOpenApi(files.openapi) + (await lintAsyncApi(files.asyncapi));
  return problems > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runMain(main);
