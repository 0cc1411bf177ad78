import type { WorkflowActivationJob } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";

/**
 * The order sdk-core gives the jobs of one activation, which the workflow
 * runtime relies on: start, patches, random seed updates, signals and
 * updates, everything else, local activity resolutions, queries, eviction.
 * The sort is stable, so jobs of one rank keep history order.
 */
export function sortJobs(jobs: WorkflowActivationJob[]): WorkflowActivationJob[] {
  return jobs.sort((a, b) => rank(a) - rank(b));
}

function rank(job: WorkflowActivationJob): number {
  const v = job.variant;
  switch (v.case) {
    case "initializeWorkflow":
      return 0;
    case "notifyHasPatch":
      return 1;
    case "updateRandomSeed":
      return 2;
    case "signalWorkflow":
    case "doUpdate":
      return 3;
    case "resolveActivity":
      return v.value.isLocal ? 5 : 4;
    case "queryWorkflow":
      return 6;
    case "removeFromCache":
      return 7;
    default:
      return 4;
  }
}
