/**
 * Thrown by an activity to say it will be completed later, by someone holding
 * its task token (`info.taskToken`), through the client's async-completion
 * API. The worker then reports nothing for the task and frees its slot.
 */
export class CompleteAsyncError extends Error {
  override readonly name: string = "CompleteAsyncError";

  constructor(message = "activity will complete asynchronously") {
    super(message);
  }
}
