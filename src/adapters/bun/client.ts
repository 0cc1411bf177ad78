// "temporal-edge-worker/client" on Bun: the client with the Bun platform bound.
import { setDefaultClientPlatform } from "../../client/index.ts";
import { bunPlatform } from "./platform.ts";

setDefaultClientPlatform(bunPlatform);

export * from "../../client/index.ts";
