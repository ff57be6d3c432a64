// The one zustand store. Components select narrowly; the realtime feed and the API loaders write.
import { create } from 'zustand';
import {
  alertsSlice,
  connectionSlice,
  geographySlice,
  pastSlice,
  pictureSlice,
  sessionSlice,
  sitesSlice,
  thresholdsSlice,
  viewSlice,
  type DashboardState,
} from './slices.ts';

export const useDashboard = create<DashboardState>()((...a) => ({
  ...geographySlice(...a),
  ...sitesSlice(...a),
  ...pictureSlice(...a),
  ...pastSlice(...a),
  ...alertsSlice(...a),
  ...thresholdsSlice(...a),
  ...connectionSlice(...a),
  ...sessionSlice(...a),
  ...viewSlice(...a),
}));

export type { AuthProblem, ChoroplethMetric, ConnectionStatus, DashboardState } from './slices.ts';
