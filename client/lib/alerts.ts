// Acknowledging an alert: the answer goes into the store at once; the socket's update confirms it.
import { Alert } from '../../shared/schemas.ts';
import { useDashboard } from '../store/store.ts';
import { apiRequest } from './api.ts';

export async function acknowledgeAlert(id: string, note: string): Promise<Alert> {
  const body = note.trim() ? { note: note.trim() } : {};
  const alert = await apiRequest(`/api/alerts/${encodeURIComponent(id)}/ack`, Alert, { method: 'POST', body });
  useDashboard.getState().upsertAlerts([alert]);
  return alert;
}
