// Types only: English is the source, its files give the keys their types (i18next.d.ts). The words
// themselves load per language and namespace when a screen needs them (index.ts, namespaces.ts).
import type enAdminops from '../locales/en/adminops.json';
import type enAdmin from '../locales/en/admin.json';
import type enAlerts from '../../shared/locales/en/alerts.json';
import type enAnalyst from '../locales/en/analyst.json';
import type enDashboard from '../locales/en/dashboard.json';
import type enForecast from '../locales/en/forecast.json';
import type enGlossary from '../../shared/locales/en/glossary.json';
import type enOnward from '../locales/en/onward.json';
import type enReport from '../locales/en/report.json';
import type enScreens from '../locales/en/screens.json';
import type enSitrep from '../locales/en/sitrep.json';
import type { Namespace } from './namespaces.ts';

export interface SourceResources {
  glossary: typeof enGlossary;
  dashboard: typeof enDashboard;
  alerts: typeof enAlerts;
  forecast: typeof enForecast;
  report: typeof enReport;
  onward: typeof enOnward;
  analyst: typeof enAnalyst;
  adminops: typeof enAdminops;
  admin: typeof enAdmin;
  screens: typeof enScreens;
  sitrep: typeof enSitrep;
}

/** Fails to compile when a namespace of namespaces.ts has no type here, or the other way round. */
export type Covered = [Namespace] extends [keyof SourceResources] ? ([keyof SourceResources] extends [Namespace] ? true : never) : never;
export const COVERED: Covered = true;

/** Strings of one namespace; the glossary's terms are objects of forms. */
export type Strings = Record<string, string | Record<string, string>>;
