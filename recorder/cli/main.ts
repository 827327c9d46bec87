/**
 * `npm run recordings -- <command>`: inspect, verify and maintain recordings.
 * Quiet with `npm run --silent recordings -- …`; for thousands of files, pass their
 * folder, or use `./scripts/recordings`, which takes any number of arguments.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { HASH_SCHEME_ENV, HASH_SCHEMES, parseHashScheme } from "../hashing/schemes.ts";
import { DEFAULT_RECORDING_DIR, RECORDING_DIR_ENV } from "../mode.ts";
import { RecordingStore } from "../storage/recording-store.ts";
import {
  hashCommand,
  listCommand,
  normalizeCommand,
  type Output,
  replayCommand,
  showCommand,
} from "./commands.ts";
import { PROJECT_ROOT } from "./existing-tests.ts";
import { pruneCommand } from "./prune.ts";
import { DEFAULT_RUN_MANIFEST, RUN_MANIFEST_ENV, staleCommand } from "./stale.ts";
import { verifyCommand } from "./verify.ts";

const USAGE = `Usage: npm run recordings -- <command> [options]

PATH is a recording file or a folder of them (searched recursively); commands that take
PATH… default to the recordings folder. A bad file is reported on its own line (what is
wrong, what to do) and the run goes on; the exit status is 1 if any file failed.

Commands:
  hash PATH…          print "<hash> <file>", the hash recomputed from the request each file holds
  replay PATH…        one JSON line per file: what the openai SDK gets when it is replayed, each
                      file answering its own request whatever its name (misnamed ones are marked)
  verify [PATH…]      check every file is readable, makes sense for its endpoint and is named by
                      its hash under either scheme (it says which); exit 1 on any bad file
                      (Llama Stack's misnamed files are warnings)
                        --fix         remove interrupted writes' leftovers older than a minute
                        --fix-names   rename misnamed files to their hash (dry run unless --apply)
  show HASH [PATH…]   the recordings whose hash starts with HASH (6+ hex digits)
  list [PATH…]        one line per recording; --test ID keeps tests whose id contains ID
  prune [--apply]     recordings of tests that no longer exist (dry run unless --apply), from
                      Playwright's listing of each suite (--config FILE: another Playwright config);
                      tool and model-list recordings are shared and kept; --known FILE reads the
                      existing test ids from FILE (one per line) instead; nothing is removed unless
                      every file reads and every suite lists
  prune --stale       recordings of tests that ran in the last run and did not use them (dry run
                      unless --apply); --manifest DIR names the run (default: $${RUN_MANIFEST_ENV},
                      else ${DEFAULT_RUN_MANIFEST}/)
  normalize [PATH…]   re-apply id/timestamp normalization and the canonical file layout to the
                      files our recorder wrote (Llama Stack's stay as they are)

Options:
  --dir DIR           recordings folder (default: $${RECORDING_DIR_ENV}, else ${DEFAULT_RECORDING_DIR}/;
                      both taken from the project root, whatever the working directory)
  --hash-scheme S     ${HASH_SCHEMES.join(" or ")} (default: $${HASH_SCHEME_ENV}, else ogx-0.8): the
                      hash hash prints and the name --fix-names gives
  -h, --help          this text`;

const output: Output = {
  print: (line) => console.log(line),
  warn: (line) => console.error(line),
};

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: "string" },
      test: { type: "string" },
      apply: { type: "boolean", default: false },
      fix: { type: "boolean", default: false },
      "fix-names": { type: "boolean", default: false },
      known: { type: "string" },
      config: { type: "string" },
      "hash-scheme": { type: "string" },
      stale: { type: "boolean", default: false },
      manifest: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 1;
  }
  // An explicit --dir is the user's path; the defaults are the project's, as the harness reads them.
  const dir = values.dir ?? resolve(PROJECT_ROOT, process.env[RECORDING_DIR_ENV] || DEFAULT_RECORDING_DIR);
  const hashScheme = parseHashScheme(
    values["hash-scheme"] ?? process.env[HASH_SCHEME_ENV],
    values["hash-scheme"] ? "--hash-scheme" : HASH_SCHEME_ENV,
  );
  const paths = args.length ? args : [dir];
  switch (command) {
    case "hash":
      return args.length
        ? hashCommand(args, output, { hashScheme })
        : usageError("hash needs at least one PATH");
    case "replay":
      return args.length
        ? replayCommand(args, output, { hashScheme })
        : usageError("replay needs at least one PATH");
    case "verify":
      return verifyCommand(paths, output, {
        fix: values.fix,
        fixNames: values["fix-names"],
        apply: values.apply,
        hashScheme,
      });
    case "show": {
      const [prefix, ...where] = args;
      return prefix
        ? showCommand(prefix, where.length ? where : [dir], output, { hashScheme })
        : usageError("show needs a HASH");
    }
    case "list":
      return listCommand(paths, values.test, output);
    case "prune": {
      if (values.stale) {
        const manifest = values.manifest ?? (process.env[RUN_MANIFEST_ENV] || DEFAULT_RUN_MANIFEST);
        return staleCommand(new RecordingStore(dir), manifest, values.apply, output.print);
      }
      const known = values.known ? readKnownTests(values.known) : undefined;
      return pruneCommand(
        new RecordingStore(dir),
        {
          apply: values.apply,
          ...(known ? { known } : {}),
          ...(values.config ? { config: resolve(values.config) } : {}),
        },
        output.print,
      );
    }
    case "normalize":
      return normalizeCommand(paths, output, { hashScheme });
    default:
      return usageError(`unknown command ${JSON.stringify(command)}`);
  }
}

function readKnownTests(file: string): Set<string> {
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
