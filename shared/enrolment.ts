// The link a device opens to enrol: reporters open the field form, every other role the dashboard.
// The token rides in the fragment, which browsers never send to a server (nor its log). Shared by
// `npm run token` and the admin's People and devices page, so both print the same link.
import type { Role } from './schemas.ts';

export function enrolmentLink(baseUrl: string, role: Role, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${role === 'reporter' ? '/report' : '/'}#token=${encodeURIComponent(token)}`;
}
