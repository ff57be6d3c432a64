// A capacity forecast for tests of the rules that read one: 1,200 places left at 60 of 100 arrivals an
// hour seeking shelter, full in about 20 hours.
import type { CapacityForecast } from '../schemas.ts';

export const PROJECTED_FORECAST: CapacityForecast = {
  status: 'projected',
  inflowPerHour: 100,
  inflowLowPerHour: 91.7,
  inflowHighPerHour: 108.3,
  arrivalReports: 6,
  shelterShare: 0.6,
  smoothingHours: 6,
  remainingCapacity: 1200,
  sheltersReporting: 2,
  shelters: 2,
  hoursToFull: 20,
  hoursToFullLow: 18,
  hoursToFullHigh: 22,
};
