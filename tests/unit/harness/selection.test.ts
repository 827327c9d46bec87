/**
 * `--pattern` and `--subdirs` run exactly what they say: whole titles as Playwright lists
 * them (`›` or `>`), an exit 1 with the nearest titles when nothing matches, and the
 * examples in the README and in `--help` select what their comments promise.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import {
  grepFor,
  type ListedTest,
  nearestTitles,
  patternMatcher,
  titlePathOf,
} from "../../../scripts/test-selection.ts";
import { PROJECT_ROOT } from "../../integration/fixtures/settings.ts";

const listed = (titles: string[], file = "basic.spec.ts"): ListedTest => ({
  file,
  projectFile: `tests/integration/responses/${file}`,
  titles,
});
const suite = [
  listed(["non-streaming basic", "earth"]),
  listed(["streaming basic", "earth"]),
  listed(["streaming basic", "saturn"]),
  listed(["function-call ordering 2"], "function-tools.spec.ts"),
];
const select = (pattern: string) => suite.filter(patternMatcher(pattern)).map(titlePathOf);

test("a pattern matches whole titles: a describe block, a test, a path, with › or >", () => {
  expect(select("streaming basic › earth")).toEqual(["streaming basic › earth"]);
  expect(select("streaming basic > earth")).toEqual(["streaming basic › earth"]);
  expect(select("streaming basic›earth")).toEqual(["streaming basic › earth"]);
  expect(select("streaming basic")).toEqual(["streaming basic › earth", "streaming basic › saturn"]);
  expect(select("earth")).toEqual(["non-streaming basic › earth", "streaming basic › earth"]);
  expect(select("basic.spec.ts › streaming basic › saturn")).toEqual(["streaming basic › saturn"]);
  expect(select(".*ordering.*")).toEqual(["function-call ordering 2"]);
  expect(select("(non-)?streaming basic › saturn")).toEqual(["streaming basic › saturn"]);
  // Substrings are not titles: the old examples select nothing rather than too much.
  expect(select("streaming basic earth")).toEqual([]);
  expect(select("ordering")).toEqual([]);
  expect(() => select("(")).toThrow("--pattern '(' is not a valid regular expression");
});

test("a pattern that matches nothing names the titles nearest to it", () => {
  expect(nearestTitles("ordering", suite, 1)).toEqual(["function-call ordering 2"]);
  expect(nearestTitles("streaming basic earth", suite, 2)).toEqual([
    "streaming basic › earth",
    "non-streaming basic › earth",
  ]);
  expect(nearestTitles("stremin basic › saturm", suite, 1)).toEqual(["streaming basic › saturn"]);
});

test("the grep handed to Playwright selects exactly the chosen tests", () => {
  const grep = grepFor([suite[1] as ListedTest]);
  const regex = new RegExp(grep.slice(1, -1));
  // Playwright matches `<project> <spec path> <describe…> <title> <tags…>`.
  const line = (test: ListedTest) => ` local × scripted ${test.projectFile} ${test.titles.join(" ")}`;
  expect(suite.filter((test) => regex.test(line(test))).map(titlePathOf)).toEqual([
    "streaming basic › earth",
  ]);
  expect(regex.test(`${line(suite[1] as ListedTest)} @slow`)).toBe(true);
});

function script(args: string[]) {
  const run = spawnSync("./scripts/integration-tests.sh", args, { cwd: PROJECT_ROOT, encoding: "utf8" });
  const total = /Total: (\d+) tests? in/.exec(run.stdout)?.[1];
  return { ...run, listed: total === undefined ? 0 : Number(total) };
}

test("the script exits 1 when --pattern or --subdirs selects nothing, with what was near", () => {
  const pattern = script(["--suite", "selftest", "--pattern", "answer › streamed"]);
  expect(pattern.status).toBe(1);
  expect(pattern.stderr).toContain("--pattern 'answer › streamed' matches no test");
  expect(pattern.stderr).toMatch(/Nearest titles:\n {2}answers › streamed\n/);
  expect(pattern.stdout).not.toContain("Running");

  const subdirs = script(["--suite", "selftest", "--subdirs", "no-such-folder", "--collect-only"]);
  expect(subdirs.status).toBe(1);
  expect(subdirs.stderr).toContain(
    "no test in the 'selftest' suite (tests/unit/harness/selftest) under --subdirs 'no-such-folder'",
  );
});

test("the README's and --help's --pattern examples select what they say", () => {
  test.setTimeout(90_000);
  const help = spawnSync("./scripts/integration-tests.sh", ["--help"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  });
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  // Each command with a --pattern, and the comment beside it or on the line above.
  const lines = `${help.stdout}\n${readme}`.split("\n");
  const examples = lines.flatMap((line, index) => {
    const command = /integration-tests\.sh ([^#]*--pattern '[^'<]+'[^#]*)(?:#(.*))?$/.exec(line);
    if (!command) return [];
    const above = /^\s*#(.*)$/.exec(lines[index - 1] ?? "")?.[1] ?? "";
    return [{ args: (command[1] ?? "").trim(), comment: command[2] ?? above }];
  });
  // Each example says what it selects: the help's and the README's.
  expect(examples.length).toBeGreaterThanOrEqual(4);
  for (const example of examples) expect(example.comment.trim(), example.args).not.toBe("");
  for (const example of examples) {
    const args = [...example.args.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? "");
    const run = script([...args.filter((arg) => arg !== "$0"), "--collect-only"]);
    expect(run.status, `${example.args}\n${run.stderr}`).toBe(0);
    if (/one test/i.test(example.comment)) expect(run.listed, example.args).toBe(1);
    else expect(run.listed, example.args).toBeGreaterThan(1);
  }
});
