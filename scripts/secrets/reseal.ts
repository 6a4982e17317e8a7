// `npm run secrets:reseal`: after a key rotation (SECRETS_KEY = the new key, SECRETS_KEYS_PREVIOUS = the old
// ones), re-seals every stored secret under the current key and prints how many values each key id still
// holds. A previous key that holds 0 values can be removed from SECRETS_KEYS_PREVIOUS. Safe to run while the
// API and workers run (each value is written with a conditional update), and to run again.
import { parseConfig } from '../../lib/config';
import { cipherFromConfig } from '../../lib/secrets';
import { formatResealReport, resealAll } from '../../lib/secrets/reseal';
import { openDatabase } from '../../prisma/database';

const config = parseConfig();
// Embedded mode (no DATABASE_URL) keeps its key under DATA_DIR, as `npm start` does; stop `npm start` first.
const cipher = await cipherFromConfig(config, { allowLocalKey: !config.DATABASE_URL });
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
try {
  const report = await resealAll(db.prisma, cipher);
  for (const line of formatResealReport(report, cipher.keyIds)) console.log(line);
  process.exitCode = report.failed.length > 0 ? 1 : 0;
} finally {
  await db.close();
}
