/**
 * The recorder as it was at a commit, loaded into the bench's own process, so that a
 * change is measured against what it replaced in the same run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { FetchLike } from "../recorder/index.ts";

const PROJECT = fileURLToPath(new URL("../", import.meta.url));

export interface RecorderModule {
  createRecorder: (options: Record<string, unknown>) => {
    fetch: FetchLike;
    withTestId: <T>(testId: string, fn: () => T) => T;
  };
}

/** The recorder at `commit`, extracted under .cache/ (inside the project, so it resolves its packages). */
export async function recorderAt(commit: string): Promise<RecorderModule | string> {
  const folder = join(PROJECT, ".cache", `bench-recorder-${commit.slice(0, 12)}`);
  if (!existsSync(join(folder, "recorder", "index.ts"))) {
    mkdirSync(folder, { recursive: true });
    const archive = spawnSync("git", ["-C", PROJECT, "archive", "--format=tar", commit, "recorder"], {
      maxBuffer: 64 * 1024 * 1024,
    });
    if (archive.status !== 0) return `git archive ${commit} failed: ${archive.stderr.toString().trim()}`;
    const untar = spawnSync("tar", ["-x", "-C", folder], { input: archive.stdout });
    if (untar.status !== 0) return `tar failed: ${untar.stderr.toString().trim()}`;
  }
  return (await import(pathToFileURL(join(folder, "recorder", "index.ts")).href)) as RecorderModule;
}

/** A file's text at `commit`; undefined when git cannot give it. */
export function fileAt(commit: string, path: string): string | undefined {
  const shown = spawnSync("git", ["-C", PROJECT, "show", `${commit}:${path}`], { encoding: "utf8" });
  return shown.status === 0 ? shown.stdout : undefined;
}
