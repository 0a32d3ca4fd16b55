import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { KeyRing, privateDirectory } from '@dockhand/bridge-server';

/**
 * Everything secret the demo needs and the user did not set, made once at random and kept
 * beside the demo data (data sealed with the keys stays readable across restarts). Nothing is
 * derived from a seed: the emulators' seed is public, so anything derived from it is public too.
 */
const demoSecretsSchema = z.object({
  DOCKHAND_KEYS: z.string().min(1),
  DOCKHAND_JWT_SECRET: z.string().min(32),
  /** The demo admin's password, printed on every start. */
  adminPassword: z.string().min(12).optional(),
  /** The emulated Shopify app's client id and secret (they sign its webhooks and session tokens). */
  shopifyApiKey: z.string().min(1).optional(),
  shopifyApiSecret: z.string().min(1).optional(),
});

export type DemoSecrets = Required<z.infer<typeof demoSecretsSchema>>;

export interface LoadedDemoSecrets {
  secrets: DemoSecrets;
  /** Where they are kept (0600, in a 0700 folder). */
  file: string;
  /** Secrets that were made now, e.g. `adminPassword` for a data folder made by an older demo. */
  created: ReadonlySet<keyof DemoSecrets>;
}

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

const makers: { [K in keyof DemoSecrets]: () => DemoSecrets[K] } = {
  DOCKHAND_KEYS: () => `demo1:${KeyRing.generateKey()}`,
  DOCKHAND_JWT_SECRET: () => random(48),
  adminPassword: () => random(18),
  shopifyApiKey: () => randomBytes(16).toString('hex'),
  shopifyApiSecret: () => `shpss_${randomBytes(16).toString('hex')}`,
};

export async function loadOrCreateDemoSecrets(dataDir: string): Promise<LoadedDemoSecrets> {
  await privateDirectory(dataDir);
  const file = join(dataDir, 'demo-secrets.json');
  let stored: Partial<DemoSecrets> = {};
  try {
    stored = demoSecretsSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`${file} is not a valid demo secrets file (${(error as Error).message}); delete ${dataDir} to start over`);
    }
  }
  const created = new Set<keyof DemoSecrets>();
  const secrets = { ...stored } as DemoSecrets;
  for (const name of Object.keys(makers) as Array<keyof DemoSecrets>) {
    if (secrets[name] === undefined) {
      secrets[name] = makers[name]();
      created.add(name);
    }
  }
  if (created.size > 0) await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  // An older demo may have left the file readable by others.
  await chmod(file, 0o600);
  return { secrets, file, created };
}
