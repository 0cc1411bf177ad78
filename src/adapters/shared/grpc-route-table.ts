// Records what a `routes` callback registers, so the lean gRPC server can call
// unary implementations directly while any other registration is replayed into
// connect-node's generic adapter.
import { Code, type ConnectRouter, ConnectError, createConnectRouter } from "@connectrpc/connect";
import type { DescMessage, DescMethod, DescService, MessageShape } from "@bufbuild/protobuf";
import type { HandlerContext, MethodImpl, ServiceImpl } from "@connectrpc/connect";

type RouterOptions = Parameters<ConnectRouter["service"]>[2];

/** A unary method served by the lean path. */
export interface UnaryRoute {
  readonly service: DescService;
  readonly method: DescMethod & { methodKind: "unary" };
  readonly impl: (request: MessageShape<DescMessage>, context: HandlerContext) => unknown;
}

export interface GrpcRouteTable {
  /** Unary methods by request path, `/package.Service/Method`. */
  readonly unary: ReadonlyMap<string, UnaryRoute>;
  /** Whether some registration needs connect-node (streaming, or per-route handler options). */
  readonly needsGenericAdapter: boolean;
  /** Replays every registration into another router (connect-node's). */
  replay(router: ConnectRouter): void;
}

type Registration = (router: ConnectRouter) => void;

class RecordingRouter implements ConnectRouter {
  readonly unary = new Map<string, UnaryRoute>();
  readonly registrations: Registration[] = [];
  needsGenericAdapter = false;
  readonly #router = createConnectRouter({ grpc: true, grpcWeb: false, connect: false });

  get handlers() {
    return this.#router.handlers;
  }

  service<T extends DescService>(service: T, implementation: Partial<ServiceImpl<T>>, options?: RouterOptions): this {
    this.#router.service(service, implementation, options);
    this.registrations.push((router) => router.service(service, implementation, options));
    for (const method of service.methods) {
      const fn: unknown = (implementation as Record<string, unknown>)[method.localName];
      const impl =
        typeof fn === "function"
          ? (fn.bind(implementation) as UnaryRoute["impl"])
          : unimplemented(`${service.typeName}.${method.name} is not implemented by this server`);
      this.#record(service, method, impl, options);
    }
    return this;
  }

  rpc<M extends DescMethod>(method: M, impl: MethodImpl<M>, options?: RouterOptions): this {
    this.#router.rpc(method, impl, options);
    this.registrations.push((router) => router.rpc(method, impl, options));
    this.#record(method.parent, method, impl as UnaryRoute["impl"], options);
    return this;
  }

  #record(service: DescService, method: DescMethod, impl: UnaryRoute["impl"], options: RouterOptions): void {
    // Handler options (interceptors, read limits, compression) are connect-node
    // features the lean path does not implement, so such routes stay generic.
    if (method.methodKind !== "unary" || options !== undefined) {
      this.needsGenericAdapter = true;
      return;
    }
    this.unary.set(`/${service.typeName}/${method.name}`, { service, method: method as UnaryRoute["method"], impl });
  }
}

function unimplemented(message: string): UnaryRoute["impl"] {
  return () => {
    throw new ConnectError(message, Code.Unimplemented);
  };
}

/** Runs `routes` once against a recording router. */
export function collectGrpcRoutes(routes: (router: ConnectRouter) => void): GrpcRouteTable {
  const recorder = new RecordingRouter();
  routes(recorder);
  return {
    unary: recorder.unary,
    needsGenericAdapter: recorder.needsGenericAdapter,
    replay: (router) => {
      for (const register of recorder.registrations) register(router);
    },
  };
}
