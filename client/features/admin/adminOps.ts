// What the thresholds, audit and drills pages share: their words, the registry's names, and the
// server's refusal turned into messages per field.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { makeFormat } from '../../../shared/format.ts';
import { languageOf, placeName } from '../../../shared/language.ts';
import { GovernorateCollection, Site, type Governorate } from '../../../shared/schemas.ts';
import { ApiRequestError, apiRequest } from '../../lib/api.ts';

/** The pages' translation function (client/locales/*\/adminops.json), formatter and language. */
export function useAdminOps() {
  const { t, i18n } = useTranslation('adminops');
  const { t: tDashboard } = useTranslation('dashboard');
  const { t: tAlerts } = useTranslation('alerts');
  const lang = languageOf(i18n.language);
  const format = useMemo(() => makeFormat(lang), [lang]);
  return { t, tDashboard, tAlerts, lang, format };
}

export interface Registry {
  sites: Site[];
  governorates: Governorate[];
}

/** The site registry and the governorates, for names and choices; loaded once per page. */
export function useRegistry(): Registry | null {
  const [registry, setRegistry] = useState<Registry | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    Promise.all([
      apiRequest('/api/sites', Site.array(), { signal: controller.signal }),
      apiRequest('/api/governorates', GovernorateCollection, { signal: controller.signal }),
    ])
      .then(([sites, shapes]) => setRegistry({ sites, governorates: shapes.features.map((f) => f.properties) }))
      .catch(() => undefined);
    return () => controller.abort();
  }, []);
  return registry;
}

/** A site's or governorate's name in the language, by id; the id itself when the registry lacks it. */
export function nameOf(registry: Registry | null, id: string, lang: ReturnType<typeof languageOf>): string {
  const site = registry?.sites.find((s) => s.id === id);
  if (site) return placeName(site, lang);
  const governorate = registry?.governorates.find((g) => g.pcode === id);
  return governorate ? placeName(governorate, lang) : id;
}

const FieldProblems = z.array(z.object({ field: z.string(), message: z.string() }));

/** A refusal as the page shows it: the server's message, and its message for each field it names. */
export interface Refusal {
  message: string;
  fields: Map<string, string>;
}

export function refusalOf(error: unknown): Refusal {
  if (!(error instanceof ApiRequestError)) return { message: (error as Error).message, fields: new Map() };
  const problems = FieldProblems.safeParse(error.details);
  return { message: error.message, fields: new Map(problems.success ? problems.data.map((p) => [p.field, p.message]) : []) };
}
