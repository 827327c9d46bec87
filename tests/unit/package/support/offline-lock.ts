/**
 * A package-lock.json for a consumer project, taken from this project's own lock: every
 * package the consumer's dependencies need, at the versions and integrity this project
 * installed. `npm ci --offline` then installs it from the npm cache, which this project's
 * own `npm ci` filled: a real install, with no network and no registry metadata.
 */
import { readFileSync } from "node:fs";

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  optional?: boolean;
  [key: string]: unknown;
}

interface Lock {
  packages: Record<string, LockEntry>;
}

/** Where Node would find `name` from the package at `from` (a lock path), in `lock`. */
function resolveIn(lock: Lock, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut < 0 ? "" : base.slice(0, cut);
  }
}

/** The names a package needs installed beside it: dependencies, and peers that are not optional. */
function needs(entry: LockEntry): string[] {
  const peers = Object.keys(entry.peerDependencies ?? {}).filter(
    (name) => !entry.peerDependenciesMeta?.[name]?.optional,
  );
  return [
    ...Object.keys(entry.dependencies ?? {}),
    ...Object.keys(entry.optionalDependencies ?? {}),
    ...peers,
  ];
}

export interface ConsumerPackage {
  name: string;
  /** The consumer's own dependencies: name → spec. */
  dependencies: Record<string, string>;
  /** The packed tarball: its name, its file name (relative to the consumer), its package.json and integrity. */
  tarball: { name: string; file: string; manifest: LockEntry; integrity: string };
}

export function consumerLock(sourceLockFile: string, consumer: ConsumerPackage): unknown {
  const source = JSON.parse(readFileSync(sourceLockFile, "utf8")) as Lock;
  const { name, file, manifest, integrity } = consumer.tarball;
  const packages: Record<string, LockEntry> = {
    "": { name: consumer.name, version: "1.0.0", dependencies: consumer.dependencies },
    [`node_modules/${name}`]: {
      version: manifest.version,
      resolved: `file:${file}`,
      integrity,
      ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
      ...(manifest.peerDependencies ? { peerDependencies: manifest.peerDependencies } : {}),
      ...(manifest.peerDependenciesMeta ? { peerDependenciesMeta: manifest.peerDependenciesMeta } : {}),
      ...(manifest.bin ? { bin: manifest.bin } : {}),
    },
  };
  const pending = [
    ...Object.keys(consumer.dependencies).filter((dependency) => dependency !== name),
    ...needs(manifest),
  ].map((dependency): [string, string] => ["", dependency]);
  while (pending.length) {
    const [from, dependency] = pending.pop() as [string, string];
    const path = resolveIn(source, from, dependency);
    if (!path) {
      const isOptional = from && source.packages[from]?.optionalDependencies?.[dependency];
      if (isOptional) continue;
      throw new Error(`${dependency} (needed by ${from || "the consumer"}) is not in ${sourceLockFile}.`);
    }
    if (packages[path]) continue;
    const {
      dev: _dev,
      devOptional: _devOptional,
      peer: _peer,
      ...entry
    } = source.packages[path] as LockEntry;
    packages[path] = entry;
    for (const next of needs(entry)) pending.push([path, next]);
  }
  return { name: consumer.name, version: "1.0.0", lockfileVersion: 3, requires: true, packages };
}
