/**
 * Resident memory of `dockhand serve` at idle on PostgreSQL: the compiled bin, as a user runs
 * it, on a fresh migrated database with the PostgreSQL queue (no Redis). Samples the process's
 * RSS every second from "listening" for BENCH_SECONDS (default 150: V8 gives back the heap that
 * start-up used once it sees the process idle, which takes up to about two minutes).
 * Reports RSS when listening, after 20 s, and at the end of the window.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import buildCompiled from '../bridge-server/test/support/compiled-build.ts';
import { KeyRing } from '../bridge-server/src/security/key-ring.ts';
import { report } from './lib/report.ts';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 150);
const adminUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BIN = fileURLToPath(new URL('../bridge-server/bin/dockhand.js', import.meta.url));
/** Issue #9, measured on cf1eabd the same way: tsx, the emulators and PGlite loaded. */
const BASELINE_MIB = 209;

/** Resident set size in MiB (Linux: /proc; elsewhere: ps). */
function rssMiB(pid: number): number {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (kib) return Number(kib) / 1024;
  } catch {
    // Not Linux.
  }
  return Number(spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim()) / 1024;
}

buildCompiled();
const name = `dockhand_bench_memory_${randomBytes(4).toString('hex')}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const env = {
  PATH: process.env['PATH'] ?? '',
  DATABASE_URL: url.toString(),
  DOCKHAND_KEYS: `k1:${KeyRing.generateKey()}`,
  DOCKHAND_JWT_SECRET: randomBytes(32).toString('hex'),
  DOCKHAND_QUEUE_PREFIX: `bench_memory_${randomBytes(4).toString('hex')}`,
  PORT: '0',
  LOG_LEVEL: 'info',
};
try {
  const migrated = spawnSync(process.execPath, [BIN, 'migrate'], { env, encoding: 'utf8' });
  if (migrated.status !== 0) throw new Error(`dockhand migrate failed:\n${migrated.stderr}`);
  const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.includes('"msg":"listening"')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`dockhand serve exited with ${code} before listening`)));
    });
    const samples: number[] = [];
    for (let second = 0; second <= SECONDS; second++) {
      samples.push(rssMiB(child.pid!));
      if (second < SECONDS) await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const at20s = samples[Math.min(20, samples.length - 1)]!;
    const settled = samples.at(-1)!;
    report({
      name: 'serve-memory',
      params: { seconds: SECONDS, database: 'postgresql', queue: 'postgres', bin: 'bridge-server/bin/dockhand.js (compiled)' },
      metrics: {
        rssAtListenMiB: Number(samples[0]!.toFixed(1)),
        rssAfter20sMiB: Number(at20s.toFixed(1)),
        rssSettledMiB: Number(settled.toFixed(1)),
        rssPeakMiB: Number(Math.max(...samples).toFixed(1)),
      },
      baseline: { description: 'issue #9 on cf1eabd: tsx, the emulators and PGlite loaded', metrics: { rssMiB: BASELINE_MIB } },
      ratio: settled / BASELINE_MIB,
      ratioOf: 'settled RSS / baseline RSS',
      goal: 'settled RSS under 100 MiB',
    });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
} finally {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
