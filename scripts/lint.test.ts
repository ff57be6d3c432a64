// The lint rules are the folders' boundaries: each forbidden pattern, fed to ESLint as a file in the
// place it is forbidden, must be refused, and what is allowed must pass, or the rules prove nothing.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const FORBIDDEN: [what: string, file: string, code: string, rule: RegExp][] = [
  ['shared/ importing pg', 'shared/probe.ts', "import pg from 'pg';\nexport const x = pg;\n", /boundaries\/dependencies/],
  ['shared/ importing node:http', 'shared/probe.ts', "import http from 'node:http';\nexport const x = http;\n", /boundaries\/dependencies/],
  ['shared/ importing uuid', 'shared/probe.ts', "import { v4 } from 'uuid';\nexport const x = v4;\n", /boundaries\/dependencies/],
  ['shared/ importing the server', 'shared/probe.ts', "import { createApp } from '../server/app.ts';\nexport const x = createApp;\n", /boundaries\/dependencies/],
  ['shared/ reading window', 'shared/probe.ts', 'export const x = window.location.href;\n', /no-restricted-globals/],
  ['shared/ reading document', 'shared/probe.ts', 'export const x = document.title;\n', /no-restricted-globals/],
  ['shared/ making a UUID', 'shared/probe.ts', 'export const x = crypto.randomUUID();\n', /no-restricted-globals/],
  ['shared/ asking Date() for the time', 'shared/probe.ts', 'export const x = Date();\n', /no-restricted-syntax/],
  ['shared/ asking new Date() for the time', 'shared/probe.ts', 'export const x = new Date();\n', /no-restricted-syntax/],
  ['shared/ asking Date.now()', 'shared/probe.ts', 'export const x = Date.now();\n', /no-restricted-properties/],
  ['shared/ asking Math.random()', 'shared/probe.ts', 'export const x = Math.random();\n', /no-restricted-properties/],
  ['shared/ reading performance', 'shared/probe.ts', 'export const x = performance.now();\n', /no-restricted-globals/],
  ['shared/ reading process', 'shared/probe.ts', 'export const x = process.argv;\n', /no-restricted-globals/],
  ['a feature importing another feature', 'client/features/overview/probe.ts', "import { WallScreen } from '../wall/WallScreen.tsx';\nexport const x = WallScreen;\n", /boundaries\/dependencies/],
  ['a feature reaching two folders up into another', 'client/features/overview/deep/probe.ts', "import { WallScreen } from '../../wall/WallScreen.tsx';\nexport const x = WallScreen;\n", /boundaries\/dependencies/],
  ['a component importing a feature', 'client/components/probe.ts', "import { OverviewScreen } from '../features/overview/OverviewScreen.tsx';\nexport const x = OverviewScreen;\n", /boundaries\/dependencies/],
  ['the store importing a feature', 'client/store/probe.ts', "import { WallScreen } from '../features/wall/WallScreen.tsx';\nexport const x = WallScreen;\n", /boundaries\/dependencies/],
  ['shared/ reading localStorage', 'shared/probe.ts', 'export const x = localStorage.length;\n', /no-restricted-globals/],
  ['the store importing a component', 'client/store/probe.ts', "import { Page } from '../components/Page.tsx';\nexport const x = Page;\n", /boundaries\/dependencies/],
  ['the client importing the server', 'client/lib/probe.ts', "import { loadConfig } from '../../server/config.ts';\nexport const x = loadConfig;\n", /boundaries\/dependencies/],
  ['the client importing Node', 'client/lib/probe.ts', "import fs from 'node:fs';\nexport const x = fs;\n", /boundaries\/dependencies/],
  ['the client importing a server package', 'client/lib/probe.ts', "import express from 'express';\nexport const x = express;\n", /boundaries\/dependencies/],
  ['the server importing the client', 'server/probe.ts', "import { useDashboard } from '../client/store/store.ts';\nexport const x = useDashboard;\n", /boundaries\/dependencies/],
  ['a route naming a storage adapter', 'server/http/probe.ts', "import { openSqliteStore } from '../storage/sqlite/sqliteStore.ts';\nexport const x = openSqliteStore;\n", /boundaries\/dependencies/],
  ['storage reaching up into ingest', 'server/storage/probe.ts', "import { ingestReports } from '../ingest.ts';\nexport const x = ingestReports;\n", /boundaries\/dependencies/],
  ['the server reading process.env outside config.ts', 'server/probe.ts', 'export const x = process.env.PORT;\n', /no-restricted-properties/],
  ['a script reading process.env', 'scripts/probe.ts', 'export const x = process.env.DATA_DIR;\n', /no-restricted-properties/],
  ['an explicit any', 'server/probe.ts', 'export const x: any = 1;\n', /no-explicit-any/],
];

const ALLOWED: [what: string, file: string, code: string][] = [
  ['shared/ importing zod and itself', 'shared/probe.ts', "import { z } from 'zod';\nimport { Pcode } from './schemas.ts';\nexport const x = [z, Pcode, Date.parse('2026-11-28T00:00:00Z')];\n"],
  ['a feature importing its own files, components and the store', 'client/features/report/probe.ts', "import { ReportForm } from './ReportForm.tsx';\nimport { Page } from '../../components/Page.tsx';\nimport { useDashboard } from '../../store/store.ts';\nexport const x = [ReportForm, Page, useDashboard];\n"],
  ['the entry point naming an adapter', 'server/main.ts', "import { openSqliteStore } from './storage/sqlite/sqliteStore.ts';\nexport const x = openSqliteStore;\n"],
  ['config.ts reading the environment', 'server/config.ts', 'export const x = process.env.PORT;\n'],
];

describe('the lint rules refuse every forbidden pattern', () => {
  it.each(FORBIDDEN)('%s', async (_what, file, code, rule) => {
    const found = await problems(file, code);
    expect(found.some((p) => rule.test(p)), found.join('\n') || 'no problem at all').toBe(true);
  });
});

describe('and let what is allowed through', () => {
  it.each(ALLOWED)('%s', async (_what, file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
