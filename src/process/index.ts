// The process area: the worker process hosting many worker entities.
export type { EntityContext, EntityFactory, EntityRole, EntityState, EntityStatus, WorkerEntity } from "./entity.ts";
export { rolesOf } from "./entity.ts";
export { createWorkerProcess, type ProcessOutcome, type ProcessState, type WorkerProcess, type WorkerProcessOptions } from "./host.ts";
export { handleShutdownSignals, forcedExitCodes } from "./signals.ts";
export { createServerProbe, type ServerProbe, type ServerProbeOptions, type ServerStatus } from "./server-probe.ts";
