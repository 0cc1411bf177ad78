import type { ServiceImpl } from "@connectrpc/connect";
import { WorkflowService } from "../../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import type { EngineContext } from "../engine-context.ts";
import { unimplemented } from "../errors.ts";
import { systemRpcs } from "./system.ts";
import { taskRpcs } from "./task-rpcs.ts";
import { visibilityRpcs } from "./visibility.ts";
import { workflowRpcs } from "./workflow-rpcs.ts";

/**
 * The dev server's WorkflowService: every method of the service, those the
 * dev server lacks answering UNIMPLEMENTED with their name.
 */
export function createWorkflowService(ctx: EngineContext): ServiceImpl<typeof WorkflowService> {
  const implemented: Record<string, unknown> = {
    ...systemRpcs(ctx),
    ...workflowRpcs(ctx),
    ...taskRpcs(ctx),
    ...visibilityRpcs(ctx),
  };
  const impl: Record<string, unknown> = {};
  for (const [localName, method] of Object.entries(WorkflowService.method)) {
    impl[localName] =
      implemented[localName] ??
      (() => {
        throw unimplemented(`temporal.api.workflowservice.v1.WorkflowService/${method.name}`);
      });
  }
  return impl as ServiceImpl<typeof WorkflowService>;
}
