#!/usr/bin/env bash
# `npm test`: everything CI checks, in order: typecheck, lint, unit tests, the
# committed recordings, and the Responses suite replayed offline against both forms
# of the reference stack, under the scripted and the gpt setups. Ends with the plain
# line "N passed, N failed", summed over all of it (a check that is not a test runner
# counts as one), and exits 1 on any failure.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

passed=0
failed=0
failures=()

# A step that is one check: passes or fails as a whole.
check() {
  local name="$1"
  shift
  echo ""
  echo "=== $name ==="
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

# A Playwright run: counts its tests from the JSON report it writes.
tests() {
  local name="$1" report="$2"
  shift 2
  echo ""
  echo "=== $name ==="
  rm -f "$report"
  local status=0
  STACK_TEST_JSON_REPORT="$report" PW_JSON_REPORT="$report" "$@" || status=$?
  local ok bad total
  read -r ok bad total _ < <(node scripts/report-counts.mjs "$report")
  # A run that failed without a failing test (a crash, no report) still fails.
  if [[ "$status" -ne 0 || "$total" -lt 0 ]] && [[ "$bad" -eq 0 ]]; then bad=1; fi
  passed=$((passed + ok))
  failed=$((failed + bad))
  if [[ "$bad" -ne 0 ]]; then failures+=("$name"); fi
}

# record-if-missing over a copy of the recordings: a complete set records nothing.
recordings_complete() {
  local copy
  copy=$(mktemp -d)
  cp -r recordings "$copy/"
  STACK_TEST_RECORDING_DIR="$copy/recordings" STACK_TEST_JSON_REPORT="$copy/results.json" \
    STACK_TEST_HTML_REPORT="$copy/report" \
    ./scripts/integration-tests.sh --stack-config local,server:local --suite responses --inference-mode record-if-missing --workers 2 >"$copy/log" 2>&1 ||
    { cat "$copy/log"; rm -rf "$copy"; return 1; }
  local changes=0
  diff -r recordings "$copy/recordings" || changes=$?
  rm -rf "$copy"
  [[ "$changes" -eq 0 ]] && echo "record-if-missing recorded nothing and changed no file"
}

check "typecheck (tsc --noEmit)" npx tsc --noEmit
check "lint and format (biome check)" npx biome check .
tests "unit tests (recorder, stack)" test-results/unit-results.json \
  npx playwright test -c playwright.unit.config.ts
check "committed recordings (recordings verify)" npm run --silent recordings -- verify
tests "Responses suite, replay, local" test-results/suite-local.json \
  env STACK_TEST_HTML_REPORT=playwright-report/local \
  ./scripts/integration-tests.sh --stack-config local --suite responses --inference-mode replay --workers 2
tests "Responses suite, replay, server:local" test-results/suite-server-local.json \
  env STACK_TEST_HTML_REPORT=playwright-report/server-local \
  ./scripts/integration-tests.sh --stack-config server:local --suite responses --inference-mode replay --workers 2
# Llama Stack's own gpt-4o recordings, under the Python test ids: no key needed to replay.
tests "Responses suite, gpt (Llama Stack's recordings), replay, local" test-results/suite-gpt-local.json \
  env STACK_TEST_HTML_REPORT=playwright-report/gpt-local \
  ./scripts/integration-tests.sh --stack-config local --suite responses --setup gpt --inference-mode replay --workers 2
tests "Responses suite, gpt (Llama Stack's recordings), replay, server:local" test-results/suite-gpt-server-local.json \
  env STACK_TEST_HTML_REPORT=playwright-report/gpt-server-local \
  ./scripts/integration-tests.sh --stack-config server:local --suite responses --setup gpt --inference-mode replay --workers 2
check "recordings complete (record-if-missing changes nothing)" recordings_complete

echo ""
if [[ ${#failures[@]} -gt 0 ]]; then
  echo "Failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
