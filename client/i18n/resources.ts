// Every word of the dashboard, in its three languages: the JSON files under client/locales/, imported
// statically so that the strings ship inside the bundle and no screen waits on (or needs) the network.
import arAlerts from '../locales/ar/alerts.json';
import arDashboard from '../locales/ar/dashboard.json';
import arForecast from '../locales/ar/forecast.json';
import arReport from '../locales/ar/report.json';
import ckbAlerts from '../locales/ckb/alerts.json';
import ckbDashboard from '../locales/ckb/dashboard.json';
import ckbForecast from '../locales/ckb/forecast.json';
import ckbReport from '../locales/ckb/report.json';
import enAlerts from '../locales/en/alerts.json';
import enDashboard from '../locales/en/dashboard.json';
import enForecast from '../locales/en/forecast.json';
import enReport from '../locales/en/report.json';
import type { Language } from '../../shared/language.ts';

export const NAMESPACES = ['dashboard', 'alerts', 'forecast', 'report'] as const;
export type Namespace = (typeof NAMESPACES)[number];

const en = { dashboard: enDashboard, alerts: enAlerts, forecast: enForecast, report: enReport };

/** English is the source: its files give the keys their types (i18next.d.ts). */
export type SourceResources = typeof en;

type Strings = Record<string, string>;

export const resources: Record<Language, Record<Namespace, Strings>> = {
  en,
  ar: { dashboard: arDashboard, alerts: arAlerts, forecast: arForecast, report: arReport },
  ckb: { dashboard: ckbDashboard, alerts: ckbAlerts, forecast: ckbForecast, report: ckbReport },
};
