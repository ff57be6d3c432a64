// The data behind a screen, to take away: the reports as HXL-tagged CSV, the alerts as CAP, and the
// API documentation. Fetched with the token and saved from a blob: a link cannot carry the
// Authorization header, and a token in an address would end up in history, logs and proxies.
import './Downloads.css';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { downloadWithToken } from '../lib/download.ts';
import { viewedWorld } from '../lib/world.ts';

export function Downloads() {
  const { t } = useTranslation('adminops');
  const [problem, setProblem] = useState<string | null>(null);
  // The world on screen is the world downloaded: a drill's data is never mistaken for the real one.
  const world = viewedWorld() === 'exercise' ? '?exercise=only' : '';
  const take = (path: string, fallback: string) => {
    setProblem(null);
    downloadWithToken(path + world, fallback).catch((err: unknown) => setProblem(t('downloadFailed', { message: (err as Error).message })));
  };
  return (
    <section className="downloads" aria-label={t('downloads')} data-testid="downloads">
      <span>{t('downloads')}:</span>
      <button type="button" onClick={() => take('/api/export/reports.csv', 'amina-reports.csv')} data-testid="download-csv">
        {t('downloadReports')}
      </button>
      <button type="button" onClick={() => take('/api/export/alerts.cap', 'amina-alerts.xml')} data-testid="download-cap">
        {t('downloadCap')}
      </button>
      {/* The documents hold no data and need no token: a plain link. */}
      <a href="/api/docs" target="_blank" rel="noreferrer" data-testid="api-docs">
        {t('apiDocs')}
      </a>
      {problem ? (
        <span className="error" role="alert">
          {problem}
        </span>
      ) : null}
    </section>
  );
}
