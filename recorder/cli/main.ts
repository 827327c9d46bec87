/**
 * `npm run recordings -- <command>`: inspect, verify and maintain recordings.
 * Quiet with `npm run --silent recordings -- …`.
 */
import { parseArgs } from "node:util";
import { DEFAULT_RECORDING_DIR, RECORDING_DIR_ENV } from "../mode.ts";
import { RecordingStore } from "../storage/recording-store.ts";
import {
  hashCommand,
  listCommand,
  normalizeCommand,
  replayCommand,
  showCommand,
  verifyCommand,
} from "./commands.ts";
import { listExistingTests, pruneCommand } from "./prune.ts";
import { DEFAULT_RUN_MANIFEST, RUN_MANIFEST_ENV, staleCommand } from "./stale.ts";

const USAGE = `Usage: npm run recordings -- <command> [options]

Commands:
  hash FILE…          print "<hash> <file>", the hash recomputed from the request each file holds
  replay FILE…        print one JSON line per file: what the openai SDK gets when it is replayed
  verify [DIR]        check every file is schema-valid and named by its hash; exit 1 on any bad file
  show HASH           show the recordings whose hash starts with HASH (6+ hex digits)
  list [--test ID]    one line per recording, optionally only tests whose id contains ID
  prune [--apply]     recordings of tests that no longer exist (dry run unless --apply); tool and
                      model-list recordings are shared and kept; --known FILE reads the existing
                      test ids from FILE (one per line) instead of Playwright's --list
  prune --stale       recordings of tests that ran in the last run and did not use them (dry run
                      unless --apply); --manifest DIR names the run (default: $${RUN_MANIFEST_ENV},
                      else ${DEFAULT_RUN_MANIFEST}/)
  normalize           re-apply id/timestamp normalization and the canonical file layout

Options:
  --dir DIR           recordings folder (default: $${RECORDING_DIR_ENV}, else ${DEFAULT_RECORDING_DIR}/)
  -h, --help          this text`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: "string" },
      test: { type: "string" },
      apply: { type: "boolean", default: false },
      known: { type: "string" },
      stale: { type: "boolean", default: false },
      manifest: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...args] = positionals;
  const print = (line: string) => console.log(line);
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 1;
  }
  const dir = values.dir ?? (process.env[RECORDING_DIR_ENV] || DEFAULT_RECORDING_DIR);
  const store = new RecordingStore(dir);
  switch (command) {
    case "hash":
      return args.length ? hashCommand(args, print) : usageError("hash needs at least one FILE");
    case "replay":
      return args.length ? replayCommand(args, print) : usageError("replay needs at least one FILE");
    case "verify":
      return verifyCommand(args[0] ?? dir, print);
    case "show":
      return args[0] ? showCommand(store, args[0], print) : usageError("show needs a HASH");
    case "list":
      return listCommand(store, values.test, print);
    case "prune": {
      if (values.stale) {
        const manifest = values.manifest ?? (process.env[RUN_MANIFEST_ENV] || DEFAULT_RUN_MANIFEST);
        return staleCommand(store, manifest, values.apply, print);
      }
      const existing = values.known ? await readKnownTests(values.known) : listExistingTests();
      return pruneCommand(store, existing, values.apply, print);
    }
    case "normalize":
      return normalizeCommand(store, print);
    default:
      return usageError(`unknown command ${JSON.stringify(command)}`);
  }
}

async function readKnownTests(file: string): Promise<Set<string>> {
  const { readFileSync } = await import("node:fs");
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  return new Set(
    text
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
  );
}

function usageError(message: string): number {
  console.error(`recordings: ${message}\n\n${USAGE}`);
  return 1;
}

// `recordings list | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(`recordings: ${error.message}`);
    process.exitCode = 1;
  },
);
