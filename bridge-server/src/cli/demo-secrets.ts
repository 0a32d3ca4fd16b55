import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyRing } from '../security/key-ring.ts';

interface DemoSecrets {
  DOCKHAND_KEYS: string;
  DOCKHAND_JWT_SECRET: string;
}

/**
 * The demo needs an encryption key ring and a JWT secret but must run with no setup, so it
 * makes them once and keeps them beside the demo data (data sealed with them stays readable).
 */
export async function loadOrCreateDemoSecrets(dataDir: string): Promise<DemoSecrets> {
  const file = join(dataDir, 'demo-secrets.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DemoSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets: DemoSecrets = {
    DOCKHAND_KEYS: `demo1:${KeyRing.generateKey()}`,
    DOCKHAND_JWT_SECRET: randomBytes(48).toString('base64url'),
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return secrets;
}
