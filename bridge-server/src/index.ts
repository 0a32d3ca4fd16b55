export { createApp } from './api/app.ts';
export type { AppContext } from './api/context.ts';
export { loadConfig, ConfigError, type Config } from './config/env.ts';
export { openDatabase, type Database } from './db/database.ts';
export { migrate } from './db/migrator.ts';
export { withPrincipal, systemPrincipal, type Principal } from './db/principal.ts';
export { privateDirectory } from './db/private-files.ts';
export { createOrganization, setMemberPassword } from './domain/users/user-service.ts';
export { openConnector } from './platforms/registry.ts';
export { connectorDeps, createRuntime, listen, startSyncWorkers, type RunningServer, type Runtime } from './runtime.ts';
export { KeyRing } from './security/key-ring.ts';
export { parseAllowHosts } from './security/outbound-guard.ts';
// Process lifecycle for programs that embed the server (the demo in embed-demo/).
export { closeServer, shutDown, untilSignal } from './cli/shutdown.ts';
