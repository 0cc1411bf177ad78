// "temporal-edge-worker/client" on Deno: the client with the Deno platform bound.
import { setDefaultClientPlatform } from "../../client/index.ts";
import { denoPlatform } from "./platform.ts";

setDefaultClientPlatform(denoPlatform);

export * from "../../client/index.ts";
