export { createApp } from './api/app.ts';
export { loadConfig, type Config } from './config/env.ts';
export { openDatabase, type Database } from './db/database.ts';
export { migrate } from './db/migrator.ts';
export { withPrincipal, systemPrincipal, type Principal } from './db/principal.ts';
export { createRuntime, listen } from './runtime.ts';
