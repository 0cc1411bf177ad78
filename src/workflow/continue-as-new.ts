import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ContinueAsNewWorkflowExecutionSchema } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";

/**
 * Thrown (by `continueAsNew`) to end this run and start a new one of the same
 * workflow; the runtime turns it into a continueAsNewWorkflowExecution command.
 */
export class ContinueAsNew extends Error {
  override readonly name = "ContinueAsNew";
  readonly command: MessageInitShape<typeof ContinueAsNewWorkflowExecutionSchema>;

  constructor(command: MessageInitShape<typeof ContinueAsNewWorkflowExecutionSchema>) {
    super("Workflow continued as new");
    this.command = command;
  }
}
