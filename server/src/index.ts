export { type ApiType, createApp } from "./app.ts";
export { FixedClock, systemClock } from "./clock.ts";
export { type Config, loadConfig, testConfig } from "./config.ts";
export type { Deps } from "./deps.ts";
export { assertSafeRole, UnsafeDatabaseRole } from "./safe-role.ts";
export { DEMO } from "./seed/demo.ts";
export { type RunningServer, startServer } from "./server.ts";
