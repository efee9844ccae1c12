export { type ApiType, createApp } from "./app.ts";
export { FixedClock, systemClock } from "./clock.ts";
export { type Config, loadConfig, testConfig } from "./config.ts";
export type { Deps } from "./deps.ts";
/** The live channel's Redis key prefix and the adapter's stream (tests read them). */
export { REDIS_PREFIX, REDIS_STREAM } from "./realtime/rooms.ts";
export { assertSafeRole, UnsafeDatabaseRole } from "./safe-role.ts";
export { DEMO } from "./seed/demo.ts";
export { type RunningServer, startServer } from "./server.ts";
