// Registers the CLI's subcommands. Each lives in cli/commands/<name>.ts and is
// imported here for its registerCommand() side effect.
import "./commands/run.ts";
import "./commands/replay.ts";
import "./commands/dev-server.ts";
// The worker implementation behind `run` (entity factory, --dev support).
import "./wiring.ts";
