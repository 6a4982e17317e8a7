// Embedded mode only: with no SECRETS_KEY set, `npm start` keeps a generated key in DATA_DIR (mode 0600) so
// the secrets it stored are readable on the next start. Production must set SECRETS_KEY.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateSecretsKey } from './cipher';

export async function loadOrCreateLocalKey(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'secrets.key');
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
