import { defineConfig } from "@playwright/test";

/** Unit tests of recorder/ and stack/: plain Node, no browser, no stack fixture. */
export default defineConfig({
  testDir: "tests/unit",
  testMatch: "**/*.test.ts",
  fullyParallel: true,
  // Half the tests spawn a process or a server and wait on it: two workers overlap that.
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: process.env.PW_JSON_REPORT
    ? [["list"], ["json", { outputFile: process.env.PW_JSON_REPORT }]]
    : [["list"]],
  outputDir: "test-results/unit",
});
