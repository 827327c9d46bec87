/**
 * `prune`: recordings whose test no longer exists. Only per-test recordings are
 * candidates: tool invocations and model lists are hashed without a test id, so any
 * test may be replaying one another test recorded. Only the folders of the suites the
 * existing tests belong to are scanned.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { basename, relative, resolve } from "node:path";
import { isToolRecording, readRecordingFile } from "../storage/recording-file.ts";
import { type RecordingStore, suiteOfTestId } from "../storage/recording-store.ts";
import { LLAMA_STACK_ID_ANNOTATION, testIdWithoutParameters } from "../test-context.ts";

type Print = (line: string) => void;

interface JsonReportSuite {
  title: string;
  file?: string;
  specs?: Array<{
    title: string;
    file: string;
    tests?: Array<{ annotations?: Array<{ type: string; description?: string }> }>;
  }>;
  suites?: JsonReportSuite[];
}

/**
 * The tests that exist now, without parameters, from Playwright's own listing: each by
 * its own id, and a ported test also by the Llama Stack id it declares.
 */
export function listExistingTests(): Set<string> {
  const output = execFileSync("npx", ["playwright", "test", "--list", "--reporter=json"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const report = JSON.parse(output) as { config: { rootDir: string }; suites: JsonReportSuite[] };
  const ids = new Set<string>();
  const visit = (suite: JsonReportSuite, titles: string[]) => {
    for (const spec of suite.specs ?? []) {
      const specPath = relative(process.cwd(), resolve(report.config.rootDir, spec.file));
      ids.add(`${specPath}::${[...titles, spec.title].join(" > ")}`);
      for (const annotation of spec.tests?.flatMap((test) => test.annotations ?? []) ?? []) {
        if (annotation.type === LLAMA_STACK_ID_ANNOTATION && annotation.description)
          ids.add(annotation.description);
      }
    }
    // A file is a suite too, titled by its path: only describe blocks add to the title path.
    for (const child of suite.suites ?? [])
      visit(child, child.title === child.file ? titles : [...titles, child.title]);
  };
  for (const suite of report.suites) visit(suite, []);
  return ids;
}

export function pruneCommand(
  store: RecordingStore,
  existing: Set<string>,
  apply: boolean,
  print: Print,
): number {
  const known = new Set([...existing].map(testIdWithoutParameters));
  const suites = new Set([...known].map(suiteOfTestId));
  let stale = 0;
  for (const suite of suites) {
    for (const file of store.listFiles(resolve(store.root, suite))) {
      const recording = readRecordingFile(file);
      if (!recording || recording.test_id === null || isToolRecording(recording)) continue;
      if (basename(file).startsWith("models-")) continue;
      if (known.has(testIdWithoutParameters(recording.test_id))) continue;
      stale++;
      if (apply) rmSync(file);
      print(`${apply ? "removed" : "would remove"} ${file}  (${recording.test_id})`);
    }
  }
  print(
    apply
      ? `${stale} recordings removed`
      : `${stale} recordings belong to tests that no longer exist; run with --apply to remove them`,
  );
  return 0;
}
