/**
 * The tests that exist, from Playwright's own listing (`playwright test --list`), one
 * listing per suite, run from the project root in an environment of its own: the
 * working directory, a `STACK_TEST_SUBDIRS` or `.only` left in a spec cannot shrink it.
 * A listing that fails or reports errors is an error: deciding what is stale from half a
 * listing would delete recordings of tests that exist.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LLAMA_STACK_ID_ANNOTATION } from "../test-context.ts";

/** Where playwright.config.ts and package.json are: two folders up from this file. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEFAULT_CONFIG = resolve(PROJECT_ROOT, "playwright.config.ts");

/** Variables that narrow or change what the harness lists; each is set empty, so `.env` cannot set it either. */
const NARROWING_ENV = [
  "STACK_TEST_SUBDIRS",
  "STACK_TEST_STACK_CONFIG",
  "STACK_TEST_SETUP",
  "STACK_TEST_TEXT_MODEL",
  "STACK_TEST_EMBEDDING_MODEL",
];

interface ListedSpec {
  title: string;
  file: string;
  tests?: Array<{ annotations?: Array<{ type: string; description?: string }> }>;
}

interface ListedSuite {
  title: string;
  file?: string;
  specs?: ListedSpec[];
  suites?: ListedSuite[];
}

interface Listing {
  config: { rootDir: string };
  suites: ListedSuite[];
  errors?: Array<{ message?: string }>;
}

/** A Playwright listing that could not be had; nothing may be decided from it. */
export class ListingError extends Error {
  override name = "ListingError";
}

/** A test id as an annotation may declare it (a ported test's Python id): `<path>::<name>`. */
const TEST_ID_LIKE = /^[^\s:]+\.[A-Za-z]+::\S/;

/**
 * The ids of the tests `config` lists for `suite`, without parameters
 * (`<spec path from the project root>::<title path joined by ' > '>`), plus every test id
 * a test declares in an annotation.
 */
export function listExistingTests(suite: string, config = DEFAULT_CONFIG): Set<string> {
  const projectRoot = dirname(config);
  const env: NodeJS.ProcessEnv = { ...process.env, STACK_TEST_SUITE: suite, CI: "1" };
  for (const name of NARROWING_ENV) env[name] = "";
  // Listing needs no provider: replay needs no key.
  env.STACK_TEST_INFERENCE_MODE = "replay";
  const result = spawnSync(
    process.execPath,
    [playwrightCli(projectRoot), "test", "--list", "--forbid-only", "--reporter=json", "-c", config],
    {
      cwd: projectRoot,
      env,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  let listing: Listing;
  try {
    listing = JSON.parse(result.stdout) as Listing;
  } catch {
    throw new ListingError(
      `Playwright could not list the tests of suite '${suite}': ${lastLines(result.stderr || result.stdout)}`,
    );
  }
  const errors = (listing.errors ?? []).map((error) => error.message ?? "").filter(Boolean);
  if (result.status !== 0 || errors.length) {
    throw new ListingError(
      `Playwright's listing of suite '${suite}' failed: ${lastLines(errors.join("\n") || result.stderr || `exit status ${result.status}`)}`,
    );
  }
  const ids = new Set<string>();
  const visit = (suiteNode: ListedSuite, titles: string[]) => {
    for (const spec of suiteNode.specs ?? []) {
      const specPath = relative(projectRoot, resolve(listing.config.rootDir, spec.file))
        .split("\\")
        .join("/");
      ids.add(`${specPath}::${[...titles, spec.title].join(" > ")}`);
      for (const { type, description } of (spec.tests ?? []).flatMap((test) => test.annotations ?? [])) {
        if (description && (type === LLAMA_STACK_ID_ANNOTATION || TEST_ID_LIKE.test(description)))
          ids.add(description);
      }
    }
    for (const child of suiteNode.suites ?? []) visit(child, [...titles, child.title]);
  };
  // The top-level suites are files, titled by their path: only describe blocks add to the title path.
  for (const file of listing.suites) visit(file, []);
  return ids;
}

/** Playwright's CLI script, run with this Node directly: no npx hop to find it. */
export function playwrightCli(projectRoot: string): string {
  const require = createRequire(resolve(projectRoot, "package.json"));
  return resolve(dirname(require.resolve("@playwright/test/package.json")), "cli.js");
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-8).join("\n");
}
