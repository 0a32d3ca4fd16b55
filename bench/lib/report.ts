import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  /** What the ratio is measured against: a description and its figures. */
  baseline: { description: string; metrics: Record<string, number> } | null;
  /** Headline ratio (its meaning is given by `ratioOf`). */
  ratio: number | null;
  ratioOf?: string;
  goal?: string;
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Writes bench/results/NAME.json and prints one summary line. */
export function report(result: BenchResult): void {
  const full = {
    name: result.name,
    when: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: process.platform,
    },
    params: result.params,
    metrics: result.metrics,
    baseline: result.baseline,
    ratio: result.ratio,
    ratioOf: result.ratioOf,
    goal: result.goal,
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${result.name}.json`), JSON.stringify(full, null, 2) + '\n');
  const metrics = Object.entries(result.metrics)
    .map(([key, value]) => `${key}=${Number.isInteger(value) ? value : value.toFixed(3)}`)
    .join(' ');
  const ratio = result.ratio === null ? '' : ` ratio=${result.ratio.toFixed(3)}${result.ratioOf ? ` (${result.ratioOf})` : ''}`;
  console.log(`${result.name}: ${metrics}${ratio}${result.goal ? ` goal: ${result.goal}` : ''}`);
}
