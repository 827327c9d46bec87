/**
 * Test ids, as Llama Stack forms them from pytest's node ids:
 * `<spec path>::<title path joined by ' > '>[<parameters>]`. The spec path is taken from
 * the project's root, so that the recorder files a test's calls under its suite
 * (`tests/integration/<suite>/…` → `recordings/<suite>/`) and no id depends on the
 * working directory.
 */
import { dirname, relative } from "node:path";
import type { FullConfig, TestInfo } from "@playwright/test";

/** The folder test ids and recordings are relative to: the Playwright config's, else the working directory. */
export function projectRootOf(config: Pick<FullConfig, "configFile">): string {
  return config.configFile ? dirname(config.configFile) : process.cwd();
}

/** `parameters` (e.g. `stack=mine-txt=gpt-4o`) say what the test ran against; one id per combination. */
export function testIdFor(
  testInfo: Pick<TestInfo, "file" | "titlePath">,
  root: string,
  parameters?: string,
): string {
  const spec = relative(root, testInfo.file).split("\\").join("/");
  // titlePath starts with the file's name, which the spec path already says.
  const titles = testInfo.titlePath.slice(1).join(" > ");
  return `${spec}::${titles}${parameters ? `[${parameters}]` : ""}`;
}
