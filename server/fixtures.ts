// Reads the registry files in fixtures/, parsed with the shared schemas like any other input.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { GovernorateCollection, Site, Thresholds, type Governorate } from '../shared/schemas.ts';

export interface Fixtures {
  governorateShapes: GovernorateCollection;
  governorates: Governorate[];
  sites: Site[];
  thresholds: Thresholds;
  /** map context layers (outline, neighbours, rivers), served as they are */
  context: Record<string, unknown>;
}

export const CONTEXT_LAYERS = ['outline', 'neighbours', 'physical'] as const;

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Where `npm run boundaries:import` writes an official COD-AB release; preferred over the fixture. */
export const BOUNDARIES_FILE = 'boundaries.geojson';

export function loadFixtures(dir: string, dataDir?: string): Fixtures {
  const imported = dataDir ? path.join(dataDir, BOUNDARIES_FILE) : undefined;
  const shapesFile = imported && fs.existsSync(imported) ? imported : path.join(dir, 'governorates.geojson');
  const governorateShapes = GovernorateCollection.parse(readJson(shapesFile));
  const context: Record<string, unknown> = {};
  for (const layer of CONTEXT_LAYERS) {
    const file = path.join(dir, 'context', `${layer}.geojson`);
    if (fs.existsSync(file)) context[layer] = readJson(file);
  }
  return {
    governorateShapes,
    governorates: governorateShapes.features.map(({ properties: p }) => ({
      pcode: p.pcode,
      nameEn: p.nameEn,
      nameAr: p.nameAr,
      nameCkb: p.nameCkb,
    })),
    sites: z.array(Site).parse(readJson(path.join(dir, 'sites.json'))),
    thresholds: Thresholds.parse(readJson(path.join(dir, 'thresholds.json'))),
    context,
  };
}
