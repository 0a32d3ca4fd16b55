// How the project runs Debian's Chromium headless (browser tests and the elements benchmark): the
// flags keep it from reaching hosts this machine cannot reach and from needing a GPU or a sandbox.
export const CHROMIUM_PATH = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
