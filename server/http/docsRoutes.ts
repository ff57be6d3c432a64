// The interface, machine-readable and readable: GET /api/openapi.json, /api/asyncapi.json, /api/docs
// (Swagger UI) and /api/docs/events (the live events). They hold no data, so they need no token, and
// every file they use is served from here: they work with the network off, under the app's CSP.
import { createRequire } from 'node:module';
import path from 'node:path';
import { Router } from 'express';
import { openApiDocument } from './apiDocument.ts';
import { notFound } from './apiError.ts';
import { asyncApiDocument } from './asyncApiDocument.ts';
import { asyncApiHtml } from './asyncApiHtml.ts';

const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ownDir = path.join(import.meta.dirname, 'docsAssets');

/**
 * The files the pages load, by name. Only these: swagger-ui-dist also ships an index.html and an
 * initialiser that point at a public demo API, which must never be served.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui.css': { file: path.join(swaggerUiDir, 'swagger-ui.css'), type: 'text/css' },
  'swagger-ui-bundle.js': { file: path.join(swaggerUiDir, 'swagger-ui-bundle.js'), type: 'text/javascript' },
  'swagger-init.js': { file: path.join(ownDir, 'swagger-init.js'), type: 'text/javascript' },
  'docs.css': { file: path.join(ownDir, 'docs.css'), type: 'text/css' },
};

function swaggerPage(version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Amina ${version} · HTTP API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
<link rel="stylesheet" href="/api/docs/assets/docs.css">
</head>
<body>
<header class="amina-docs"><strong>Amina ${version}</strong>
<nav><a href="/api/docs" aria-current="page">HTTP API</a> · <a href="/api/docs/events">Live events</a> · <a href="/api/openapi.json">openapi.json</a> · <a href="/api/asyncapi.json">asyncapi.json</a></nav></header>
<div id="swagger-ui"><noscript>This page needs JavaScript; the document itself is <a href="/api/openapi.json">/api/openapi.json</a>.</noscript></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/swagger-init.js"></script>
</body>
</html>
`;
}

export function docsRoutes({ version }: { version: string }): Router {
  const router = Router();
  // Made once: the documents are a function of the code and the release, not of the data.
  const openapi = JSON.stringify(openApiDocument(version));
  const asyncapi = asyncApiDocument(version);
  const asyncapiJson = JSON.stringify(asyncapi);
  const eventsPage = asyncApiHtml(asyncapi);
  const docsPage = swaggerPage(version);

  router.get('/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('application/json').send(openapi);
  });
  router.get('/asyncapi.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('application/json').send(asyncapiJson);
  });
  router.get('/docs', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('text/html').send(docsPage);
  });
  router.get('/docs/events', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('text/html').send(eventsPage);
  });
  router.get('/docs/assets/:file', (req, res) => {
    const name = String(req.params.file);
    // Own keys only: /api/docs/assets/constructor must not find Object.prototype's.
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw notFound(`Documentation file "${name}"`);
    res.type(asset.type).sendFile(asset.file, { maxAge: '1d' });
  });

  return router;
}
