// Stand-ins for the official OpenTelemetry workflow interceptors, reduced to
// the two things of theirs a history can see:
// - their span ids are drawn from the workflow's Math.random: the span that
//   wraps the run, in a new trace, takes 48 values (OpenTelemetry's browser id
//   generator draws once per hex digit: 32 for the trace id, 16 for the span
//   id). The recorded child workflow ids of signal_workflow_1_13_1 and both
//   smorgasbord histories are the uuid4 that follows exactly 48 draws;
// - before 1.13.2 (flag 5, AvoidsExtraYields) they awaited once before passing
//   an activity, a child workflow start or a signal on, so those commands come
//   a turn after a timer issued in the same breath.
// A user replaying such histories keeps the interceptors they ran with; these
// are what the tests here need of them.
import type { WorkflowInterceptors, WorkflowInterceptorsFactory } from "../../../src/workflow/index.ts";

const RUN_SPAN_DRAWS = 32 + 16;

const runSpan: WorkflowInterceptors = {
  inbound: [
    {
      execute(input, next) {
        for (let i = 0; i < RUN_SPAN_DRAWS; i++) Math.random();
        return next(input);
      },
    },
  ],
};

/** The interceptors of 1.13.2 and later, which no longer yield. */
export const interceptorsFrom1_13_2: WorkflowInterceptorsFactory = () => runSpan;

/** The interceptors of 1.13.1 and before. */
export const interceptorsBefore1_13_2: WorkflowInterceptorsFactory = () => ({
  ...runSpan,
  outbound: [
    {
      async scheduleActivity(input, next) {
        await Promise.resolve();
        return next(input);
      },
      async startChildWorkflowExecution(input, next) {
        await Promise.resolve();
        return next(input);
      },
      async signalWorkflow(input, next) {
        await Promise.resolve();
        return next(input);
      },
    },
  ],
});
