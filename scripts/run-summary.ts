/**
 * After a run of integration-tests.sh: what the tests did below the stack (replayed,
 * recorded, live, missed), in writing modes which files each test wrote (new, changed,
 * unchanged), and the stale recordings with the command that removes them. Reads the
 * run's manifest (tests/integration/fixtures/run-manifest.ts).
 */
import { run } from "../tests/integration/fixtures/run-summary.ts";

process.exitCode = run();
