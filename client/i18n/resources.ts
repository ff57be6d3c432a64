// Every word of the dashboard, in its three languages: the JSON files under client/locales/, and the
// glossary and alerts namespaces under shared/locales/ (the server's alert messages and the CAP feed
// say the same templates, shared/alertWording.ts), imported statically so that the strings ship
// inside the bundle and no screen waits on (or needs) the network.
import arAdminops from '../locales/ar/adminops.json';
import arAdmin from '../locales/ar/admin.json';
import arAlerts from '../../shared/locales/ar/alerts.json';
import arAnalyst from '../locales/ar/analyst.json';
import arDashboard from '../locales/ar/dashboard.json';
import arForecast from '../locales/ar/forecast.json';
import arGlossary from '../../shared/locales/ar/glossary.json';
import arOnward from '../locales/ar/onward.json';
import arReport from '../locales/ar/report.json';
import ckbAdminops from '../locales/ckb/adminops.json';
import ckbAdmin from '../locales/ckb/admin.json';
import arScreens from '../locales/ar/screens.json';
import ckbAlerts from '../../shared/locales/ckb/alerts.json';
import ckbAnalyst from '../locales/ckb/analyst.json';
import ckbDashboard from '../locales/ckb/dashboard.json';
import ckbForecast from '../locales/ckb/forecast.json';
import ckbGlossary from '../../shared/locales/ckb/glossary.json';
import ckbOnward from '../locales/ckb/onward.json';
import ckbReport from '../locales/ckb/report.json';
import enAdminops from '../locales/en/adminops.json';
import enAdmin from '../locales/en/admin.json';
import ckbScreens from '../locales/ckb/screens.json';
import enAlerts from '../../shared/locales/en/alerts.json';
import enAnalyst from '../locales/en/analyst.json';
import enDashboard from '../locales/en/dashboard.json';
import enForecast from '../locales/en/forecast.json';
import enGlossary from '../../shared/locales/en/glossary.json';
import enOnward from '../locales/en/onward.json';
import enReport from '../locales/en/report.json';
import enScreens from '../locales/en/screens.json';
import type { Language } from '../../shared/language.ts';
// types only: the situation report's words load with its own chunk (lazyResources.ts)
import type enSitrep from '../locales/en/sitrep.json';

/**
 * `glossary` holds the domain terms (checkpoint, shelter, health post, …), each spelt once per
 * language; the other namespaces name them through nesting, `$t(glossary:shelter.plural)`.
 */
export const NAMESPACES = ['glossary', 'dashboard', 'alerts', 'forecast', 'report', 'onward', 'analyst', 'adminops', 'admin', 'screens'] as const;
export type Namespace = (typeof NAMESPACES)[number];

const en = { glossary: enGlossary, dashboard: enDashboard, alerts: enAlerts, forecast: enForecast, report: enReport, onward: enOnward, analyst: enAnalyst, adminops: enAdminops, admin: enAdmin, screens: enScreens };

/** English is the source: its files give the keys their types (i18next.d.ts). */
export type SourceResources = typeof en & { sitrep: typeof enSitrep };

/** Strings of one namespace; the glossary's terms are objects of forms. */
export type Strings = Record<string, string | Record<string, string>>;

export const resources: Record<Language, Record<Namespace, Strings>> = {
  en,
  ar: { glossary: arGlossary, dashboard: arDashboard, alerts: arAlerts, forecast: arForecast, report: arReport, onward: arOnward, analyst: arAnalyst, adminops: arAdminops, admin: arAdmin, screens: arScreens },
  ckb: { glossary: ckbGlossary, dashboard: ckbDashboard, alerts: ckbAlerts, forecast: ckbForecast, report: ckbReport, onward: ckbOnward, analyst: ckbAnalyst, adminops: ckbAdminops, admin: ckbAdmin, screens: ckbScreens },
};
