// Embedded mode only: with no SECRETS_KEY (or TEMPORAL_PAYLOAD_KEY) set, `npm start` keeps a generated key in
// DATA_DIR (mode 0600) so what it encrypted is readable on the next start. Production must set the keys.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateSecretsKey } from './cipher';

export async function loadOrCreateLocalKey(dataDir: string, fileName = 'secrets.key'): Promise<string> {
  const file = path.join(dataDir, fileName);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const key = generateSecretsKey();
  await writeFile(file, key + '\n', { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return key;
}
