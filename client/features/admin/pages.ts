// The admin area's pages: one entry each. The navigation, the address (/admin/<path>) and who may
// open a page all come from this list, so a new page is one entry here and its title in
// client/locales/*/admin.json. The server refuses every other role whatever this list says: it
// only keeps the screen from offering what the role may not do.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Role } from '../../../shared/schemas.ts';
import type enAdmin from '../../locales/en/admin.json';
import type { AdminPageProps } from './pageProps.ts';

export interface AdminPage {
  /** the address under /admin/ */
  path: string;
  /** the page's title in admin.json */
  titleKey: keyof typeof enAdmin;
  /** the roles that see it in the navigation */
  roles: readonly Role[];
  component: LazyExoticComponent<ComponentType<AdminPageProps>>;
}

export const ADMIN_PAGES: readonly AdminPage[] = [
  {
    path: 'people',
    titleKey: 'page_people',
    roles: ['admin'],
    component: lazy(() => import('./PeoplePage.tsx').then((m) => ({ default: m.PeoplePage }))),
  },
  {
    path: 'sites',
    titleKey: 'page_sites',
    roles: ['admin'],
    component: lazy(() => import('./SitesPage.tsx').then((m) => ({ default: m.SitesPage }))),
  },
  {
    path: 'thresholds',
    titleKey: 'page_thresholds',
    roles: ['admin', 'coordinator'],
    component: lazy(() => import('./ThresholdsPage.tsx').then((m) => ({ default: m.ThresholdsPage }))),
  },
  {
    path: 'audit',
    titleKey: 'page_audit',
    roles: ['admin'],
    component: lazy(() => import('./AuditPage.tsx').then((m) => ({ default: m.AuditPage }))),
  },
  {
    path: 'drills',
    titleKey: 'page_drills',
    roles: ['admin'],
    component: lazy(() => import('./DrillsPage.tsx').then((m) => ({ default: m.DrillsPage }))),
  },
];

/** The pages a role sees, in the list's order. */
export function pagesFor(role: Role): AdminPage[] {
  return ADMIN_PAGES.filter((p) => p.roles.includes(role));
}
