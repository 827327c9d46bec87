import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Every file under `root`, temporary ones included, relative paths, sorted. */
export function allFiles(root: string, prefix = ""): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? allFiles(join(root, entry.name), `${prefix}${entry.name}/`)
        : [`${prefix}${entry.name}`],
    )
    .sort();
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Everything under `root` as one string, for greps. */
export function allText(root: string): string {
  return allFiles(root)
    .map((file) => readFileSync(join(root, file), "utf8"))
    .join("\n");
}
