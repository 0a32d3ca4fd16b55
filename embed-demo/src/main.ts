import { runDemo } from './demo.ts';

const USAGE = `Usage: dockhand-demo

Everything at once with no setup (what \`npm start\` runs): migrations, the API, the sync work,
a demo organization and live emulated WooCommerce and Shopify stores, on PGlite under .dockhand/
unless DATABASE_URL is set. Reads DATABASE_URL, REDIS_URL, PORT, HOST, DOCKHAND_DATA_DIR,
DOCKHAND_DEMO_STORES=0 and the other dockhand settings (see README.md).`;

const args = process.argv.slice(2);
if (args.length === 1 && ['--help', '-h', 'help'].includes(args[0]!)) {
  process.stdout.write(`${USAGE}\n`);
} else {
  runDemo(args).catch((error: unknown) => {
    const usage = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
    process.stderr.write(`dockhand-demo: ${error instanceof Error ? error.message : String(error)}\n`);
    if (usage) process.stderr.write(`\n${USAGE}\n`);
    process.exit(usage ? 2 : 1);
  });
}
