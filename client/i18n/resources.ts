// Every word of the dashboard, in its three languages: the JSON files under client/locales/, imported
// statically so that the strings ship inside the bundle and no screen waits on (or needs) the network.
import arAlerts from '../locales/ar/alerts.json';
import arDashboard from '../locales/ar/dashboard.json';
import arForecast from '../locales/ar/forecast.json';
import arGlossary from '../locales/ar/glossary.json';
import arReport from '../locales/ar/report.json';
import arScreens from '../locales/ar/screens.json';
import ckbAlerts from '../locales/ckb/alerts.json';
import ckbDashboard from '../locales/ckb/dashboard.json';
import ckbForecast from '../locales/ckb/forecast.json';
import ckbGlossary from '../locales/ckb/glossary.json';
import ckbReport from '../locales/ckb/report.json';
import ckbScreens from '../locales/ckb/screens.json';
import enAlerts from '../locales/en/alerts.json';
import enDashboard from '../locales/en/dashboard.json';
import enForecast from '../locales/en/forecast.json';
import enGlossary from '../locales/en/glossary.json';
import enReport from '../locales/en/report.json';
import enScreens from '../locales/en/screens.json';
import type { Language } from '../../shared/language.ts';

/**
 * `glossary` holds the domain terms (checkpoint, shelter, health post, …), each spelt once per
 * language; the other namespaces name them through nesting, `$t(glossary:shelter.plural)`.
 */
export const NAMESPACES = ['glossary', 'dashboard', 'alerts', 'forecast', 'report', 'screens'] as const;
export type Namespace = (typeof NAMESPACES)[number];

const en = { glossary: enGlossary, dashboard: enDashboard, alerts: enAlerts, forecast: enForecast, report: enReport, screens: enScreens };

/** English is the source: its files give the keys their types (i18next.d.ts). */
export type SourceResources = typeof en;

/** Strings of one namespace; the glossary's terms are objects of forms. */
type Strings = Record<string, string | Record<string, string>>;

export const resources: Record<Language, Record<Namespace, Strings>> = {
  en,
  ar: { glossary: arGlossary, dashboard: arDashboard, alerts: arAlerts, forecast: arForecast, report: arReport, screens: arScreens },
  ckb: { glossary: ckbGlossary, dashboard: ckbDashboard, alerts: ckbAlerts, forecast: ckbForecast, report: ckbReport, screens: ckbScreens },
};
