// Keys are typed from the English files: `t('noSuchKey')` and a key of another namespace fail `tsc`.
import 'i18next';
import type { SourceResources } from './resources.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'dashboard';
    resources: SourceResources;
  }
}
