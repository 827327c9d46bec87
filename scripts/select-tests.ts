/**
 * `integration-tests.sh --pattern P` (and `--subdirs`): lists the suite's tests as
 * Playwright would run them (the environment the script exported decides the projects
 * and folders), keeps those the pattern selects, and prints the `--grep` that runs
 * exactly them (nothing when there is no pattern). Selecting nothing is a mistake: it
 * exits 1 naming the nearest titles, or the suite's folders for `--subdirs`.
 *
 *     node --import tsx scripts/select-tests.ts [PATTERN]
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { SUITES } from "../tests/integration/fixtures/catalog.ts";
import { loadDotEnv, PROJECT_ROOT, projectSettingsFromEnv } from "../tests/integration/fixtures/settings.ts";
import { grepFor, type ListedTest, nearestTitles, patternMatcher } from "./test-selection.ts";

interface ListedSuite {
  title: string;
  file: string;
  specs?: Array<{ title: string; file: string; tests: Array<{ projectName: string }> }>;
  suites?: ListedSuite[];
}

interface Listing {
  config: { rootDir: string; projects: Array<{ name: string; testDir: string }> };
  suites?: ListedSuite[];
  errors?: Array<{ message?: string }>;
}

function listTests(): ListedTest[] {
  const output = execFileSync(
    "npx",
    ["playwright", "test", "--list", "--reporter=json", "--pass-with-no-tests"],
    {
      cwd: PROJECT_ROOT,
      // The listing comes on stdout only if no file is named for the JSON reporter.
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_FILE: "", PLAYWRIGHT_JSON_OUTPUT_NAME: "" },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const listing = JSON.parse(output) as Listing;
  const problem = listing.errors?.[0]?.message;
  if (problem) throw new Error(`Playwright could not list the tests:\n${problem}`);
  const testDir = new Map(listing.config.projects.map((project) => [project.name, project.testDir]));
  const tests: ListedTest[] = [];
  const visit = (suite: ListedSuite, titles: string[]) => {
    for (const spec of suite.specs ?? []) {
      const absolute = resolve(listing.config.rootDir, spec.file);
      for (const test of spec.tests) {
        tests.push({
          file: relative(testDir.get(test.projectName) ?? listing.config.rootDir, absolute),
          projectFile: relative(listing.config.rootDir, absolute),
          titles: [...titles, spec.title],
        });
      }
    }
    for (const child of suite.suites ?? [])
      visit(child, child.title === child.file ? titles : [...titles, child.title]);
  };
  for (const suite of listing.suites ?? []) visit(suite, []);
  return tests;
}

/** The folders under the suite's roots that hold specs, for a `--subdirs` that matched none. */
function specFolders(roots: string[]): string[] {
  const folders = new Set<string>();
  for (const root of roots) {
    const absoluteRoot = join(PROJECT_ROOT, root);
    for (const entry of readdirSync(absoluteRoot, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith(".spec.ts")) {
        const folder = relative(absoluteRoot, entry.parentPath);
        if (folder) folders.add(folder);
      }
    }
  }
  return [...folders].sort();
}

function main(pattern: string): number {
  loadDotEnv();
  // Every project shares the suite and folders; several setups or stacks may be listed.
  const [settings] = projectSettingsFromEnv(process.env);
  if (!settings) throw new Error("No project to list the tests of.");
  const tests = listTests();
  const suite = SUITES[settings.suite];
  if (tests.length === 0) {
    const folders = specFolders(suite?.roots ?? []);
    const where = settings.subdirs.length ? ` under --subdirs '${settings.subdirs.join(",")}'` : "";
    console.error(
      `Error: no test in the '${settings.suite}' suite (${suite?.roots.join(", ")})${where}.\n` +
        (folders.length
          ? `Its folders with tests: ${folders.join(", ")}`
          : "Its tests are all at the top of the suite: leave --subdirs out."),
    );
    return 1;
  }
  if (!pattern) return 0;
  const matches = patternMatcher(pattern);
  const selected = tests.filter(matches);
  if (selected.length === 0) {
    console.error(
      `Error: --pattern '${pattern}' matches no test. A pattern is a regular expression of whole titles, ` +
        "'describe › test' as Playwright lists them ('>' for '›' works too); use '.*' to match inside a title.\n" +
        `Nearest titles:\n${nearestTitles(pattern, tests)
          .map((title) => `  ${title}`)
          .join("\n")}`,
    );
    return 1;
  }
  console.log(grepFor(selected));
  return 0;
}

try {
  process.exitCode = main(process.argv[2] ?? "");
} catch (error) {
  console.error(`Error: ${(error as Error).message}`);
  process.exitCode = 1;
}
