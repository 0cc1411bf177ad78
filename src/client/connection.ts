import {
  type ConnectionPlatform,
  connect,
  type OperatorServiceClient,
  type Connection as RawConnection,
  type WorkflowServiceClient,
} from "../connection/connection.ts";
import type { ConnectionOptions as BaseConnectionOptions } from "../connection/options.ts";
import type { Platform } from "../platform/platform.ts";

/** The runtime powers a client needs: a gRPC channel, and host and pid for the default identity. */
export type ClientPlatform = ConnectionPlatform & Partial<Pick<Platform, "hostname" | "pid">>;

export interface ConnectionOptions extends BaseConnectionOptions {
  /**
   * The runtime's powers. Set by `temporal-edge-worker/client` for the
   * runtime it is imported on; pass one only to use another transport.
   */
  platform?: ClientPlatform;
}

let defaultPlatform: ClientPlatform | undefined;

/**
 * Called by each runtime's `temporal-edge-worker/client` entry
 * (src/adapters/<runtime>/client.ts) so `Connection.connect(options)` needs no
 * platform argument.
 */
export function setDefaultClientPlatform(platform: ClientPlatform): void {
  defaultPlatform = platform;
}

function platformFor(options: ConnectionOptions): ClientPlatform {
  const platform = options.platform ?? defaultPlatform;
  if (!platform) {
    throw new Error(
      "Connection: no runtime platform: import Connection from 'temporal-edge-worker/client' (which binds Node, Bun or Deno), or pass `platform` in the connection options",
    );
  }
  return platform;
}

/**
 * A client connection to a Temporal frontend, as @temporalio/client's
 * `Connection`: `connect` checks the server answers, `lazy` defers that to the
 * first call. Connections are meant to be shared by many clients and closed once.
 */
export class Connection {
  readonly #raw: RawConnection;
  readonly #platform: ClientPlatform;
  #connected: Promise<void> | undefined;

  private constructor(raw: RawConnection, platform: ClientPlatform) {
    this.#raw = raw;
    this.#platform = platform;
  }

  /** Opens a connection and checks the server is reachable (GetSystemInfo); throws a ServiceError if not. */
  static async connect(options: ConnectionOptions = {}): Promise<Connection> {
    const conn = Connection.lazy(options);
    try {
      await conn.ensureConnected();
    } catch (err) {
      await conn.close();
      throw err;
    }
    return conn;
  }

  /** Creates a connection without contacting the server; the first call connects. */
  static lazy(options: ConnectionOptions = {}): Connection {
    const { platform: _omit, ...rest } = options;
    const platform = platformFor(options);
    return new Connection(connect(rest, platform), platform);
  }

  /** Checks once that the server answers GetSystemInfo; later calls reuse the outcome of a success. */
  ensureConnected(): Promise<void> {
    this.#connected ??= this.#raw.workflowService.getSystemInfo({}).then(
      () => undefined,
      (err: unknown) => {
        this.#connected = undefined;
        throw err;
      },
    );
    return this.#connected;
  }

  /** Raw WorkflowService (deadlines, retries and ServiceError already applied). */
  get workflowService(): WorkflowServiceClient {
    return this.#raw.workflowService;
  }

  get operatorService(): OperatorServiceClient {
    return this.#raw.operatorService;
  }

  /** The validated options, defaults filled in. */
  get options(): RawConnection["options"] {
    return this.#raw.options;
  }

  /** Replaces the API key used by later calls. */
  setApiKey(apiKey: string): void {
    this.#raw.setApiKey(apiKey);
  }

  /** `pid@host` when the platform can tell, as the official client's default identity. */
  defaultIdentity(): string {
    const { hostname, pid } = this.#platform;
    return hostname && pid ? `${pid()}@${hostname()}` : "temporal-edge-worker client";
  }

  /** Closes the HTTP/2 session; calls in flight fail. */
  async close(): Promise<void> {
    await this.#raw.close();
  }
}
