// The interface documents: valid by their own specifications, complete against the routes the server
// has, served without a token, readable with the network off under the app's CSP, and strict enough
// that an answer they do not describe fails.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from './app.ts';
import { openApiDocument } from './http/apiDocument.ts';
import { asyncApiDocument } from './http/asyncApiDocument.ts';
import { checkAnswer, checkEvent, UndocumentedAnswer } from './testing/apiConformance.ts';
import { ADMIN_TOKEN, startServer, type Running } from './testing/harness.ts';

let server: Running;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.stop();
});

describe('the documents are valid', () => {
  it('OpenAPI 3.1, by the specification’s own schema', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(openApiDocument(VERSION))));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('AsyncAPI 3, by the AsyncAPI parser, without a diagnostic', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(asyncApiDocument(VERSION)));
    expect(diagnostics.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.operations().all().map((o) => o.id()).sort()).toEqual(['receiveHandshake', 'receiveResync', 'sendRefused', 'sendSnapshot', 'sendUpdate']);
  });
});

/** What the test reads of Express's router layers: not a public type of Express 5. */
interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
  rawPath?: unknown;
}

/** Every `METHOD /path` the Express app routes under /api, paths written as OpenAPI templates. */
function routesOf(stack: RouterLayer[], prefix = ''): string[] {
  return stack.flatMap((layer): string[] => {
    if (layer.route) {
      const paths: string[] = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      return Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .flatMap((method) => paths.map((p) => `${method.toUpperCase()} ${prefix}${p}`.replace(/:(\w+)/g, '{$1}')));
    }
    if (Array.isArray(layer.handle?.stack)) {
      return routesOf(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
    }
    return [];
  });
}

describe('the OpenAPI document is the whole API', () => {
  it('lists every route the server has, and none it lacks', () => {
    const routes = routesOf((server.app.express as unknown as { router: { stack: RouterLayer[] } }).router.stack).filter((r) => r.split(' ')[1]!.startsWith('/api/'));
    const documented = Object.entries(openApiDocument(VERSION).paths ?? {}).flatMap(([p, item]) =>
      ['get', 'put', 'post', 'delete'].filter((m) => m in item).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(routes.length).toBeGreaterThan(20);
    expect(documented.sort()).toEqual([...new Set(routes)].sort());
  });

  it('names the least role of every operation, and lets only the public ones go without a token', () => {
    const document = openApiDocument(VERSION);
    const publicPaths: string[] = [];
    for (const [p, item] of Object.entries(document.paths ?? {})) {
      for (const op of [item.get, item.put, item.post, item.delete]) {
        if (!op) continue;
        expect(['none', 'any', 'viewer', 'analyst', 'reporter', 'coordinator', 'admin'], p).toContain(op['x-amina-role']);
        expect(op.description, p).toMatch(/Least role: \*\*\w+\*\*|Any valid token|No token needed/);
        if (op['x-amina-role'] === 'none') {
          expect(op.security).toEqual([]);
          publicPaths.push(p);
        } else {
          expect(op.security).toBeUndefined();
          expect(Object.keys(op.responses ?? {})).toEqual(expect.arrayContaining(['401', '429', '503']));
        }
      }
    }
    expect(document.security).toEqual([{ bearer: [] }]);
    // The SMS gateway sends no bearer token but SMS_GATEWAY_SECRET, and is refused 401 without it (server/sms.test.ts).
    expect(publicPaths.sort()).toEqual(['/api/asyncapi.json', '/api/docs', '/api/docs/assets/{file}', '/api/docs/events', '/api/health', '/api/health/live', '/api/openapi.json', '/api/sms/kannel']);
  });

  it('documents the exercise world on every read that has one', () => {
    const document = openApiDocument(VERSION);
    for (const p of ['/api/snapshot', '/api/alerts', '/api/governorates/{pcode}/series', '/api/export/reports.csv', '/api/export/alerts.cap']) {
      const names = (document.paths![p]!.get!.parameters ?? []).map((param) => ('name' in param ? param.name : ''));
      expect(names, p).toContain('exercise');
    }
  });
});

describe('an answer the documents do not describe fails', () => {
  const answer = (method: string, urlPath: string, status: number, body: unknown, headers: Record<string, string> = {}) => ({
    method,
    url: `http://127.0.0.1${urlPath}`,
    status,
    headers: new Headers({ 'content-type': 'application/json; charset=utf-8', ...headers }),
    text: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const health = { status: 'ok', storage: 'sqlite', version: '1.0.0' };

  it('passes what the document says', () => {
    expect(() => checkAnswer(answer('GET', '/api/health', 200, health))).not.toThrow();
    expect(() => checkAnswer(answer('GET', '/api/me', 401, { error: { code: 'unauthorized', message: 'x' } }))).not.toThrow();
    // The screens are not the API.
    expect(() => checkAnswer(answer('GET', '/wall', 200, '<html>', { 'content-type': 'text/html' }))).not.toThrow();
  });

  it.each([
    ['a field the document does not name', answer('GET', '/api/health', 200, { ...health, uptime: 5 }), /must NOT have additional properties "uptime"/],
    ['a wrong value', answer('GET', '/api/health', 200, { ...health, storage: 'mysql' }), /storage must be equal to one of the allowed values/],
    ['a status the operation does not list', answer('GET', '/api/health', 202, health), /lists no 202 for getHealth/],
    ['an error code that does not go with the status', answer('GET', '/api/me', 401, { error: { code: 'forbidden', message: 'x' } }), /code must be equal/],
    ['a 429 without Retry-After', answer('POST', '/api/reports', 429, { error: { code: 'rate_limited', message: 'x', details: { retryAfterSeconds: 3 } } }), /Retry-After is required/],
    ['another media type', answer('GET', '/api/export/alerts.cap', 200, '<feed/>', { 'content-type': 'text/xml' }), /Content-Type text\/xml is not one of application\/atom\+xml/],
    ['an endpoint the document does not have', answer('GET', '/api/secret', 200, {}), /no operation in the document matches GET \/api\/secret/],
    ['a body on a 204', answer('DELETE', '/api/tokens/x', 204, 'gone'), /describes no body/],
  ])('%s', (_name, bad, message) => {
    expect(() => checkAnswer(bad)).toThrow(UndocumentedAnswer);
    expect(() => checkAnswer(bad)).toThrow(message);
  });

  it('an unknown address is refused the documented way', () => {
    expect(() => checkAnswer(answer('GET', '/api/secret', 404, { error: { code: 'not_found', message: 'x' } }))).not.toThrow();
    expect(() => checkAnswer(answer('GET', '/api/secret', 404, { oops: true }))).toThrow(UndocumentedAnswer);
  });

  it('holds socket payloads to the AsyncAPI document', async () => {
    const { socket, snapshot } = await server.connect(ADMIN_TOKEN);
    socket.disconnect();
    expect(() => checkEvent('snapshot', snapshot)).not.toThrow();
    expect(() => checkEvent('snapshot', { ...snapshot, seq: 'one' })).toThrow(/\/seq must be integer/);
    expect(() => checkEvent('snapshot', { ...snapshot, secret: 1 })).toThrow(/additional properties "secret"/);
    expect(() => checkEvent('gossip', {})).toThrow(/does not describe/);
  });
});

describe('served without a token, with the network off', () => {
  it('answers both documents as generated', async () => {
    const openapi = await server.request('GET', '/api/openapi.json', null);
    expect(openapi.status).toBe(200);
    expect(openapi.body).toEqual(JSON.parse(JSON.stringify(openApiDocument(VERSION))));
    const asyncapi = await server.request('GET', '/api/asyncapi.json', null);
    expect(asyncapi.status).toBe(200);
    expect(asyncapi.body).toEqual(JSON.parse(JSON.stringify(asyncApiDocument(VERSION))));
  });

  it('renders them from files it serves itself, under the same CSP as the rest of the app', async () => {
    const appCsp = (await fetch(`${server.url}/api/health`)).headers.get('content-security-policy');
    expect(appCsp).toContain("script-src 'self'");

    for (const page of ['/api/docs', '/api/docs/events']) {
      const answer = await fetch(server.url + page);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-security-policy')).toBe(appCsp);
      const html = await answer.text();
      // No inline script: every <script> loads a file; no address on another host.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//);
      const assets = [...html.matchAll(/\b(?:src|href)="(\/api\/docs\/assets\/[^"]+)"/g)].map((m) => m[1]);
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets) {
        const file = await fetch(server.url + asset);
        const text = await file.text();
        checkAnswer({ method: 'GET', url: file.url, status: file.status, headers: file.headers, text });
        expect(file.status, asset).toBe(200);
        expect(file.headers.get('content-type')).toMatch(asset!.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
        expect(file.headers.get('content-security-policy')).toBe(appCsp);
        // Nothing the page loads reaches out: no CDN, no online validator, no fonts from elsewhere.
        if (!asset!.includes('swagger-ui-bundle')) expect(text, asset).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
      }
    }
  });

  it('serves Swagger UI as the package ships it, started by a script of ours that asks no online validator', async () => {
    const bundle = await fetch(`${server.url}/api/docs/assets/swagger-ui-bundle.js`);
    const shipped = fs.readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json')), 'swagger-ui-bundle.js'), 'utf8');
    expect(await bundle.text()).toBe(shipped);
    const init = await (await fetch(`${server.url}/api/docs/assets/swagger-init.js`)).text();
    expect(init).toContain("url: '/api/openapi.json'");
    expect(init).toContain('validatorUrl: null');
  });

  it('serves no other file, and nothing through the prototype', async () => {
    for (const name of ['index.html', 'swagger-initializer.js', 'constructor', '__proto__', '..%2Fpackage.json']) {
      const answer = await server.request('GET', `/api/docs/assets/${name}`, null);
      expect(answer.status, name).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
  });

  it('shows every event, message and schema of the AsyncAPI document on the events page', async () => {
    const html = (await server.request('GET', '/api/docs/events', null)).body as string;
    const doc = asyncApiDocument(VERSION);
    for (const id of Object.keys(doc.operations)) expect(html).toContain(`id="operation-${id}"`);
    for (const id of Object.keys(doc.components.messages)) expect(html).toContain(`id="message-${id}"`);
    for (const name of Object.keys(doc.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
    // Fields are spelt out, and named schemas are linked rather than repeated.
    expect(html).toContain('<code>occupancyRatio</code>');
    expect(html).toContain('<a href="#schema-Alert">Alert</a>');
    for (const refusal of ['unauthorized:', 'forbidden:', 'rate_limited:', 'unavailable:']) expect(html).toContain(refusal);
  });
});
