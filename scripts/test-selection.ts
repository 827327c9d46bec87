/**
 * What `--pattern` selects. A test is named by its title path as Playwright shows it,
 * `describe › test` (`>` may stand for `›`), optionally after its spec file
 * (`basic.spec.ts › describe › test`). The pattern is a regular expression that must
 * match whole titles: `streaming basic › earth` selects that test and not
 * `non-streaming basic › earth`; `streaming basic` selects every test in that describe
 * block; `.*ordering.*` is how to match inside titles.
 */

export interface ListedTest {
  /** The spec file, relative to the suite's root (`basic.spec.ts`) and to the project's (`tests/…/basic.spec.ts`). */
  file: string;
  projectFile: string;
  /** Describe blocks, then the test's own title. */
  titles: string[];
}

export const SEPARATOR = " › ";

export function titlePathOf(test: ListedTest): string {
  return test.titles.join(SEPARATOR);
}

/** `a > b`, `a›b`, `a › b` all mean `a › b`; `>` inside a regex group (`(?<name>…)`) is left alone. */
export function normalizePattern(pattern: string): string {
  return pattern.replace(/\s*›\s*|\s+>\s+/g, SEPARATOR).trim();
}

export function patternMatcher(pattern: string): (test: ListedTest) => boolean {
  const body = normalizePattern(pattern);
  let regex: RegExp;
  try {
    regex = new RegExp(`(?:^|${SEPARATOR})(?:${body})(?:${SEPARATOR}|$)`);
  } catch (error) {
    throw new Error(`--pattern '${pattern}' is not a valid regular expression: ${(error as Error).message}`);
  }
  return (test) =>
    [test.titles, [test.file, ...test.titles], [test.projectFile, ...test.titles]].some((path) =>
      regex.test(path.join(SEPARATOR)),
    );
}

/**
 * The titles closest to what was asked, for a pattern that matched nothing: first those
 * that hold it inside a title, then those sharing most of its words, then by edit distance.
 */
export function nearestTitles(pattern: string, tests: ListedTest[], count = 5): string[] {
  const wanted = normalizePattern(pattern).toLowerCase();
  const words = wanted.split(/[^\p{L}\p{N}_-]+/u).filter(Boolean);
  const scored = [...new Set(tests.map(titlePathOf))].map((title) => {
    const lower = title.toLowerCase();
    const parts = lower.split(SEPARATOR);
    // The whole path, or any run of its parts ending with the test's own title.
    const tails = parts.map((_, start) => parts.slice(start).join(SEPARATOR));
    return {
      title,
      inside: lower.includes(wanted) ? 0 : 1,
      missingWords: words.filter((word) => !lower.includes(word)).length,
      distance: Math.min(...tails.map((tail) => editDistance(wanted, tail))),
    };
  });
  return scored
    .sort(
      (a, b) =>
        a.inside - b.inside ||
        a.missingWords - b.missingWords ||
        a.distance - b.distance ||
        a.title.localeCompare(b.title),
    )
    .slice(0, count)
    .map(({ title }) => title);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * A Playwright `--grep` that selects exactly these tests. Playwright matches it against
 * `<project> <spec path> <describe…> <title> <tags…>` joined by spaces, where titles lose
 * their boundaries; anchoring on the spec path and the end keeps the selection exact.
 * Slash-delimited, so that Playwright does not make it case-insensitive.
 */
export function grepFor(tests: ListedTest[]): string {
  const alternatives = [
    ...new Set(tests.map((test) => escapeRegExp([test.projectFile, ...test.titles].join(" ")))),
  ];
  return `/(?:^| )(?:${alternatives.join("|")})(?: @\\S+)*$/`;
}
