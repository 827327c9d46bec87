/**
 * prune decides from Playwright's own listing: whatever the titles, the working directory
 * or the environment, and it never deletes before it has read every file and listed every suite.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { existenceCheck, withoutLastGroup } from "../../../recorder/cli/prune.ts";
import { allFiles } from "./support/files.ts";
import { temporaryRecordingDir } from "./support/fixtures.ts";

const PROJECT = new URL("../../../", import.meta.url).pathname;
const CLI = join(PROJECT, "recorder/cli/main.ts");
const COMMITTED = join(PROJECT, "recordings");

function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  // tsx by its own path: `--import tsx` would be resolved from the working directory.
  const result = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), CLI, ...args], {
    encoding: "utf8",
    cwd: options.cwd ?? PROJECT,
    env: { ...process.env, ...options.env },
  });
  return { code: result.status, lines: result.stdout.trim().split("\n"), err: result.stderr };
}

/** A committed recording, re-keyed to `testId`, as `<root>/<suite>/<name>.json`. */
function recordingFor(root: string, suite: string, name: string, testId: string): string {
  const committed = allFiles(join(COMMITTED, "responses"))[0] ?? "";
  const recording = JSON.parse(readFileSync(join(COMMITTED, "responses", committed), "utf8"));
  recording.test_id = testId;
  mkdirSync(join(root, suite), { recursive: true });
  const file = join(root, suite, `${name.repeat(64).slice(0, 64)}.json`);
  writeFileSync(file, JSON.stringify(recording));
  return file;
}

const TITLES = {
  bracket: "case [lang=en]",
  guillemet: "a › b",
  quotes: `quotes "double" and 'single'`,
  unicode: "ünïcödé 😀 → ok",
};

/** A Playwright project of its own, inside this one so that it resolves @playwright/test. */
function weirdProject(spec: string): string {
  const dir = mkdtempSync(join(PROJECT, "test-results", "prune-fixture-"));
  mkdirSync(join(dir, "tests/integration/weird"), { recursive: true });
  writeFileSync(
    join(dir, "playwright.config.ts"),
    `export default { testDir: "tests/integration/weird" };\n`,
  );
  writeFileSync(join(dir, "tests/integration/weird/weird.spec.ts"), spec);
  return join(dir, "playwright.config.ts");
}

const WEIRD_SPEC = `import { test } from "@playwright/test";
test(${JSON.stringify(TITLES.bracket)}, () => {});
test.describe(${JSON.stringify(TITLES.guillemet)}, () => {
  test(${JSON.stringify(TITLES.quotes)}, () => {});
  test.describe(${JSON.stringify(TITLES.unicode)}, () => {
    test("leaf", () => {});
  });
});
test("ported", { annotation: { type: "llama-stack test id", description: "tests/integration/weird/test_x.py::test_fn[openai_client-txt=openai/gpt-4o-earth]" } }, () => {});
`;

test("any title survives: brackets, ›, quotes, unicode, and tests that declare another id", () => {
  const config = weirdProject(WEIRD_SPEC);
  const root = temporaryRecordingDir();
  const spec = "tests/integration/weird/weird.spec.ts";
  const params = "[stack=local-txt=scripted/assistant]";
  const alive = [
    `${spec}::${TITLES.bracket}${params}`,
    `${spec}::${TITLES.guillemet} > ${TITLES.quotes}${params}`,
    `${spec}::${TITLES.guillemet} > ${TITLES.unicode} > leaf${params}`,
    `${spec}::ported${params}`,
    "tests/integration/weird/test_x.py::test_fn[openai_client-txt=openai/gpt-4o-earth]",
    "tests/integration/weird/test_x.py::test_fn[client_with_models-txt=openai/gpt-4o-earth]",
  ].map((id, index) => recordingFor(root, "weird", String(index), id));
  const gone = [
    `${spec}::case [lang=fr]${params}`,
    `${spec}::case${params}`,
    "tests/integration/weird/test_x.py::test_other[openai_client]",
  ];
  const stale = gone.map((id, index) => recordingFor(root, "weird", "abcdef"[index] ?? "f", id));
  // Run from elsewhere, with variables that narrow the harness's own listing set.
  const elsewhere = mkdtempSync(join(root, "cwd-"));
  const { code, lines } = cli(["prune", "--dir", root, "--config", config, "--apply"], {
    cwd: elsewhere,
    env: { STACK_TEST_SUBDIRS: "sub", STACK_TEST_SUITE: "responses" },
  });
  expect(code).toBe(0);
  expect(lines.at(-1)).toBe("3 recordings removed");
  expect(lines.slice(0, -1).sort()).toEqual(
    stale.map((file, index) => `removed ${file}  (${gone[index]})`).sort(),
  );
  expect(
    allFiles(root)
      .filter((file) => file.endsWith(".json"))
      .sort(),
  ).toEqual(alive.map((file) => file.slice(root.length + 1)).sort());
});

test("the project's own listing keeps every committed recording, from any folder and whatever STACK_TEST_* says", () => {
  const root = temporaryRecordingDir();
  cpSync(COMMITTED, root, { recursive: true });
  const before = allFiles(root);
  for (const env of [
    {},
    { STACK_TEST_SUBDIRS: "sub" },
    { STACK_TEST_SUITE: "selftest", STACK_TEST_SETUP: "gpt", STACK_TEST_TEXT_MODEL: "x/y" },
  ]) {
    const { code, lines } = cli(["prune", "--dir", root, "--apply"], { cwd: join(PROJECT, "tests"), env });
    expect({ env, code, lines }).toEqual({ env, code: 0, lines: ["0 recordings removed"] });
  }
  expect(allFiles(root)).toEqual(before);
});

test("nothing is removed while any file cannot be read", () => {
  const root = temporaryRecordingDir();
  const stale = recordingFor(
    root,
    "responses",
    "a",
    "tests/integration/responses/basic.spec.ts::a test since deleted[stack=local]",
  );
  const corrupt = join(root, "responses", `${"b".repeat(64)}.json`);
  writeFileSync(corrupt, "{ half a fi");
  const { code, lines } = cli(["prune", "--dir", root, "--known", "/dev/null", "--apply"]);
  expect(code).toBe(1);
  expect(lines).toEqual([
    expect.stringMatching(new RegExp(`^BAD ${corrupt}: Recording file .* is not valid JSON`)),
    "Nothing removed: 1 recordings cannot be read. Fix or delete them, then prune again.",
  ]);
  expect(readFileSync(stale, "utf8")).toContain("a test since deleted");
});

test("nothing is removed when Playwright cannot list a suite, or a spec holds test.only", () => {
  const root = temporaryRecordingDir();
  const file = recordingFor(root, "weird", "c", "tests/integration/weird/weird.spec.ts::gone[stack=local]");
  for (const spec of [
    `import { test } from "@playwright/test";\ntest.only("focused", () => {});\ntest("other", () => {});\n`,
    `import { test } from "@playwright/test";\ntest("broken", () => { syntax error here\n`,
  ]) {
    const { code, lines } = cli(["prune", "--dir", root, "--config", weirdProject(spec), "--apply"]);
    expect(code).toBe(1);
    expect(lines.join("\n")).toMatch(
      /^Playwright's listing of suite 'weird' failed: [\s\S]+\nNothing removed: prune decides only from a complete listing\.$/,
    );
    expect(readFileSync(file, "utf8")).toContain("gone");
  }
});

test("existence: a bracket a title ends with is never cut, only one parameter group is", () => {
  expect(withoutLastGroup("s.ts::case [lang=en][stack=local-txt=m]")).toBe("s.ts::case [lang=en]");
  expect(withoutLastGroup("s.ts::case [a [b]]")).toBe("s.ts::case ");
  expect(withoutLastGroup("s.ts::plain")).toBe("s.ts::plain");
  const exists = existenceCheck(["s.ts::case [lang=en]"]);
  expect(exists("s.ts::case [lang=en][stack=local-txt=m]")).toBe(true);
  expect(exists("s.ts::case [lang=en]")).toBe(true);
  expect(exists("s.ts::case [lang=fr][stack=local-txt=m]")).toBe(false);
  expect(exists("s.ts::other[stack=local]")).toBe(false);
});
