// What the admin area gives each of its pages (pages.ts lists them; the pages import only this, so that
// the list and its pages do not import each other).
import type { Whoami } from '../../../shared/schemas.ts';

export interface AdminPageProps {
  /** who is signed in: the page may offer less to a lower role */
  me: Whoami;
}
