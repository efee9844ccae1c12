export { type ApiType, createApp } from "./app.ts";
export { FixedClock, systemClock } from "./clock.ts";
export { type Config, loadConfig, testConfig } from "./config.ts";
export type { Deps } from "./deps.ts";
export { DEMO } from "./seed/demo.ts";
export { assertSafeRole, type RunningServer, startServer, UnsafeDatabaseRole } from "./server.ts";
