// Entry point of the `worker` CLI on Deno.
import "../../cli/commands.ts";
import { runCli } from "../../cli/main.ts";
import { denoPlatform } from "./platform.ts";

declare const Deno: { args: string[] };
const argv = Deno.args;
runCli(argv, denoPlatform).then(
  (code) => denoPlatform.exit(code),
  (err: unknown) => {
    denoPlatform.write("stderr", `error: ${err instanceof Error ? err.message : String(err)}\n`);
    denoPlatform.exit(1);
  },
);
