// /admin/thresholds, /admin/audit and /admin/drills on their own, each in the frame. The admin shell
// (AdminScreen) lists the same page components among its own.
import { AdminOpsFrame } from './AdminOpsFrame.tsx';
import { AuditPage } from './AuditPage.tsx';
import { DrillsPage } from './DrillsPage.tsx';
import { ThresholdsPage } from './ThresholdsPage.tsx';

export const ADMIN_OPS_PAGES = { thresholds: ThresholdsPage, audit: AuditPage, drills: DrillsPage } as const;
export type AdminOpsPage = keyof typeof ADMIN_OPS_PAGES;

export function AdminOpsScreen({ page }: { page: AdminOpsPage }) {
  const Body = ADMIN_OPS_PAGES[page];
  return (
    <AdminOpsFrame page={page}>
      <Body />
    </AdminOpsFrame>
  );
}
