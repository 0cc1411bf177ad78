import type { WorkflowServiceClient } from "../connection/connection.ts";
import type { DataConverter } from "../converter/types.ts";
import { AsyncCompletionClient } from "./async-completion-client.ts";
import type { ClientContext } from "./client-context.ts";
import { createClientPayloads } from "./client-payloads.ts";
import { Connection } from "./connection.ts";
import type { QueryRejectCondition } from "./enums.ts";
import { WorkflowClient } from "./workflow-client.ts";

export interface ClientOptions {
  /** Default: `Connection.lazy()` to localhost:7233. */
  connection?: Connection;
  /** Default: the connection's namespace (`default` unless set there). */
  namespace?: string;
  /** Payload converter, failure converter and codecs for arguments, results, memos and failures. */
  dataConverter?: DataConverter;
  /** Sent with each call and recorded in history. Default `pid@hostname`. */
  identity?: string;
  workflow?: {
    /** Reject queries to closed (NOT_OPEN) or failed (NOT_COMPLETED_CLEANLY) workflows. Default: answer them. */
    queryRejectCondition?: QueryRejectCondition;
  };
}

/**
 * The high-level client, as @temporalio/client's `Client`: `workflow` to start
 * and drive workflows, `activity` for async activity completion.
 */
export class Client {
  readonly connection: Connection;
  readonly options: Readonly<{ namespace: string; identity: string; dataConverter: DataConverter | undefined }>;
  readonly workflow: WorkflowClient;
  readonly activity: AsyncCompletionClient;

  constructor(options: ClientOptions = {}) {
    this.connection = options.connection ?? Connection.lazy();
    const namespace = options.namespace ?? this.connection.options.namespace;
    const identity = options.identity ?? this.connection.defaultIdentity();
    this.options = { namespace, identity, dataConverter: options.dataConverter };
    const ctx: ClientContext = {
      service: this.connection.workflowService,
      namespace,
      identity,
      payloads: createClientPayloads(options.dataConverter),
    };
    const queryRejectCondition = options.workflow?.queryRejectCondition;
    this.workflow = new WorkflowClient(ctx, queryRejectCondition === undefined ? {} : { queryRejectCondition });
    this.activity = new AsyncCompletionClient(ctx);
  }

  /** Raw WorkflowService access; requests must carry the namespace themselves. */
  get workflowService(): WorkflowServiceClient {
    return this.connection.workflowService;
  }
}
