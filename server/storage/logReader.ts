// A reader's place in the report log, kept between reads: every adapter's log is followed this way.
import type { StoredReport } from '../../shared/schemas.ts';
import type { LogPosition, ReportLog } from './store.ts';

/**
 * Reads the log on from where this reader stands. The live picture calls it only inside its
 * exclusive section, so a replay and a read never interleave and no report is folded twice.
 */
export interface LogReader {
  /** Replays the whole log into `onReport` and stands after it. */
  replay(onReport: (report: StoredReport) => void): Promise<void>;
  /** The reports stored since the last call, by any instance; 'rebuild' when reports were deleted meanwhile. */
  readNew(): Promise<readonly StoredReport[] | 'rebuild'>;
}

export function createLogReader(log: ReportLog): LogReader {
  let position: LogPosition | undefined;
  return {
    async replay(onReport) {
      position = await log.replay(onReport);
    },
    async readNew() {
      if (!position) throw new Error('the log was never replayed');
      const next = await log.readAfter(position);
      if (next.rewritten) return 'rebuild';
      position = next.position;
      return next.reports;
    },
  };
}
