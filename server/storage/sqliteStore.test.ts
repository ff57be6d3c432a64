// The SQLite adapter against the Store contract, each test on a new file in a temporary folder.
import { openSqliteStore } from './sqlite/sqliteStore.ts';
import { describeStoreContract } from './storeContract.ts';
import { tempDataDir } from '../testing/harness.ts';

let dataDir = '';

describeStoreContract(
  'SQLite',
  async () => {
    dataDir = tempDataDir();
    return openSqliteStore(dataDir);
  },
  async () => openSqliteStore(dataDir),
);
