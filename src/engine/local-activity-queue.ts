import type { ScheduleLocalActivity } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import type { ResolveData } from "./machines/local-activity.ts";

/**
 * A run's local activity bookkeeping, after sdk-core's LocalActivityData:
 * requests not yet handed to the executor, cancels to send, what is running,
 * and resolutions read ahead from markers before the code asked for them.
 */
export class LocalActivityQueue {
  private newRequests: ScheduleLocalActivity[] = [];
  private cancels: number[] = [];
  private readonly executing = new Set<number>();
  private readonly preResolutions = new Map<number, ResolveData>();
  private terminating = false;
  private cancelAllSent = false;

  enqueue(command: ScheduleLocalActivity): void {
    this.newRequests.push(command);
  }

  enqueueCancel(seq: number): void {
    this.cancels.push(seq);
  }

  doneExecuting(seq: number): void {
    // Abandoned activities may still be queued.
    this.newRequests = this.newRequests.filter((r) => r.seq !== seq);
    this.executing.delete(seq);
  }

  /** Removes a request never handed out; returns it if it was there. */
  removeFromQueue(seq: number): ScheduleLocalActivity | undefined {
    const i = this.newRequests.findIndex((r) => r.seq === seq);
    if (i < 0) return undefined;
    return this.newRequests.splice(i, 1)[0];
  }

  /** Drains what the executor must do now; once terminating, only "stop everything". */
  takeAll(): { cancelAll: boolean; cancels: number[]; starts: ScheduleLocalActivity[] } {
    if (this.terminating) {
      this.newRequests = [];
      this.cancels = [];
      const cancelAll = !this.cancelAllSent && this.executing.size > 0;
      this.cancelAllSent = true;
      return { cancelAll, cancels: [], starts: [] };
    }
    const out = { cancelAll: false, cancels: this.cancels, starts: this.newRequests };
    for (const r of this.newRequests) this.executing.add(r.seq);
    this.cancels = [];
    this.newRequests = [];
    return out;
  }

  /** Local activities queued or running: while there are any, a task cannot complete normally. */
  get outstanding(): number {
    return this.terminating ? 0 : this.executing.size + this.newRequests.length;
  }

  insertPreResolution(seq: number, data: ResolveData): void {
    this.preResolutions.set(seq, data);
  }

  takePreResolution(seq: number): ResolveData | undefined {
    const d = this.preResolutions.get(seq);
    this.preResolutions.delete(seq);
    return d;
  }

  /** The run issued a terminal command: its local activities no longer matter. */
  indicateTerminating(): void {
    this.terminating = true;
  }

  get isTerminating(): boolean {
    return this.terminating;
  }
}
