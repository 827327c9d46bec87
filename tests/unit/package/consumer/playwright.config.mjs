import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "tests",
  workers: 1,
  reporter: [["list"], ["json", { outputFile: "results.json" }]],
});
