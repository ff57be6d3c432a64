// One report said in a line, in the lead's language: the queue, a site's last report and the overlap question share it.
import type { TFunction } from 'i18next';
import type { Report } from '../../../shared/schemas.ts';
import type { Format } from '../../components/format.ts';

export function periodText(minutes: number, t: TFunction<'report'>): string {
  return minutes < 60 ? t('minutes', { count: minutes }) : t('hours', { count: minutes / 60 });
}

export function reportSummary(report: Report, t: TFunction<'report'>, format: Format): string {
  switch (report.kind) {
    case 'arrivals':
      return t('summary_arrivals', { arrivals: format.number(report.arrivals), period: periodText(report.periodMinutes, t) });
    case 'occupancy':
      return t('summary_occupancy', { occupancy: format.number(report.occupancy) });
    case 'health':
      return t('summary_health', { status: t(report.status) });
  }
}
