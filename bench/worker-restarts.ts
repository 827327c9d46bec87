/**
 * What a failed test's worker restart costs, `server:local` against `local`, this tree
 * against another revision: the selftest suite replayed over an empty recordings folder
 * (every test misses, fails, and restarts its worker), `--repeat-each 4` (20 tests), 2
 * workers, rounds interleaved. Standalone (not in `npm run bench`):
 *
 *     node --import tsx bench/worker-restarts.ts [BASELINE_REV] [ROUNDS]
 *
 * The baseline is `git archive`d into a temporary folder beside this tree's node_modules.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatMs, median } from "./stats.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const [baselineRev = "HEAD", roundsText = "3"] = process.argv.slice(2);

function checkout(rev: string): string {
  const dir = mkdtempSync(join(tmpdir(), "restarts-baseline-"));
  const archive = execFileSync("git", ["-C", ROOT, "archive", rev], { maxBuffer: 512 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

/** Playwright's own duration of the run (ms), and how many tests failed. */
function allMissing(dir: string, stackConfig: string): { ms: number; failed: number } {
  const scratch = mkdtempSync(join(tmpdir(), "restarts-"));
  const report = join(scratch, "report.json");
  const run = spawnSync("npx", ["playwright", "test", "--workers", "2", "--repeat-each", "4"], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      STACK_TEST_SUITE: "selftest",
      STACK_TEST_STACK_CONFIG: stackConfig,
      STACK_TEST_RECORDING_DIR: mkdtempSync(join(scratch, "empty-")),
      STACK_TEST_JSON_REPORT: report,
      STACK_TEST_HTML_REPORT: join(scratch, "html"),
    },
  });
  try {
    const { stats } = JSON.parse(readFileSync(report, "utf8")) as {
      stats: { duration: number; unexpected: number };
    };
    return { ms: stats.duration, failed: stats.unexpected };
  } catch {
    throw new Error(`The run left no report:\n${run.stdout}\n${run.stderr}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const baseline = checkout(baselineRev);
const trees = { [`baseline (${baselineRev})`]: baseline, "this tree": ROOT };
const times = new Map<string, number[]>();
try {
  for (let round = 0; round < Number(roundsText); round++) {
    for (const [tree, dir] of Object.entries(trees)) {
      for (const stackConfig of ["server:local", "local"]) {
        const { ms, failed } = allMissing(dir, stackConfig);
        if (failed !== 20) throw new Error(`${tree} ${stackConfig}: ${failed} tests failed, not 20.`);
        times.set(`${tree} ${stackConfig}`, [...(times.get(`${tree} ${stackConfig}`) ?? []), ms]);
      }
    }
  }
} finally {
  rmSync(baseline, { recursive: true, force: true });
}
console.log("20 tests that all miss, 2 workers (medians):");
for (const [name, samples] of times) console.log(`  ${name.padEnd(40)} ${formatMs(median(samples))}`);
for (const tree of Object.keys(trees)) {
  const server = median(times.get(`${tree} server:local`) ?? []);
  const local = median(times.get(`${tree} local`) ?? []);
  console.log(
    `  ${tree}: server:local costs ${formatMs((server - local) / 20)} more per failing test than local`,
  );
}
