/**
 * Runs a TypeScript entry point as plain JavaScript: bundled once by esbuild (packages
 * left to node_modules) and cached in node_modules/.cache until one of its sources
 * changes. A process started through tsx pays ~0.3 s for the transform hooks and a
 * round trip per module; the stack server is started per worker slot, and the script's
 * helpers on every run, so they start from the cache instead.
 *
 *     node scripts/run-ts.mjs tests/integration/fixtures/stack-server.ts --port 8321
 *
 * Each source's `import.meta.url` is kept as the source's own URL, so paths taken from it
 * (the project root, the recording schema, the tokenizer) are what they are under tsx.
 * The cache is checked against each source's size and modification time: editing,
 * adding an import or deleting a file rebuilds it.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const PROJECT_ROOT = fileURLToPath(new URL("../", import.meta.url));
const CACHE_ROOT = join(PROJECT_ROOT, "node_modules/.cache/responses-harness/run-ts");
/** Bumped when the way bundles are built changes, so older bundles are never reused. */
const FORMAT = 1;
/** A source changed this recently may be changed again within one tick of the clock: not cached. */
const STEADY_MS = 2_500;

/** The bundle of `entry` (a path from the project root or absolute), rebuilt if any of its sources changed. */
export async function bundleOf(entry) {
  const source = resolve(PROJECT_ROOT, entry);
  const key = createHash("sha256").update(`${FORMAT}\0${source}`).digest("hex").slice(0, 16);
  const folder = join(CACHE_ROOT, key);
  const manifest = join(folder, "sources.json");
  if (isFresh(manifest)) return join(folder, "bundle.mjs");
  return build(source, folder, manifest);
}

function isFresh(manifest) {
  let sources;
  try {
    sources = JSON.parse(readFileSync(manifest, "utf8")).sources;
  } catch {
    return false;
  }
  for (const [file, size, modified] of sources) {
    const stat = statSync(join(PROJECT_ROOT, file), { throwIfNoEntry: false });
    if (!stat || stat.size !== size || stat.mtimeMs !== modified) return false;
  }
  return sources.length > 0;
}

/** Each TypeScript source as the bundle sees it: its `import.meta.url` spelled out. */
const keepImportMetaUrl = {
  name: "keep-import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => ({
      contents: readFileSync(args.path, "utf8").replaceAll(
        "import.meta.url",
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: "ts",
    }));
  },
};

/**
 * Bundles `source`. The bundle is cached (as bundle.mjs, with the sizes and times of its
 * sources) only when no source changed since shortly before the build began; otherwise
 * it is written under a name of its own, used once, and the next start builds again.
 */
async function build(source, folder, manifest) {
  const esbuild = await import("esbuild");
  const started = Date.now();
  const result = await esbuild.build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [source],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    outfile: join(folder, "bundle.mjs"),
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [keepImportMetaUrl],
  });
  const sources = [...Object.keys(result.metafile.inputs), "tsconfig.json"].map((file) => {
    const stat = statSync(join(PROJECT_ROOT, file));
    return [file, stat.size, stat.mtimeMs];
  });
  const steady = sources.every(([, , modified]) => modified <= started - STEADY_MS);
  const name = steady ? "bundle" : `bundle-${process.pid}-${started}`;
  mkdirSync(folder, { recursive: true });
  removeOldOnes(folder, started);
  const [code, map] = [".mjs", ".mjs.map"].map((end) =>
    result.outputFiles.find((file) => file.path.endsWith(end)),
  );
  // The bundle names its source map in its last line.
  writeAtomically(join(folder, `${name}.mjs.map`), map.text);
  writeAtomically(
    join(folder, `${name}.mjs`),
    code.text.replace(/sourceMappingURL=bundle\.mjs\.map(\s*)$/, `sourceMappingURL=${name}.mjs.map$1`),
  );
  if (steady) writeAtomically(manifest, JSON.stringify({ entry: relative(PROJECT_ROOT, source), sources }));
  return join(folder, `${name}.mjs`);
}

/** The bundles used once by earlier starts, a minute on (no start takes that long to load one). */
function removeOldOnes(folder, now) {
  for (const name of readdirSync(folder)) {
    if (!/^bundle-\d+-\d+\.mjs(\.map)?$/.test(name)) continue;
    const file = join(folder, name);
    if (now - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? now) > 60_000)
      rmSync(file, { force: true });
  }
}

function writeAtomically(file, contents) {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    console.error("Usage: node scripts/run-ts.mjs <entry.ts> [arguments…]");
    process.exit(2);
  }
  const bundle = await bundleOf(entry);
  // Stack traces name the TypeScript sources, through the bundle's source map.
  process.setSourceMapsEnabled(true);
  process.argv = [process.argv[0], resolve(PROJECT_ROOT, entry), ...args];
  await import(pathToFileURL(bundle).href);
}
