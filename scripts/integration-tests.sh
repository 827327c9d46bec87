#!/usr/bin/env bash
# Runs an integration suite against a stack, replaying or recording its API calls.
# The same options as Llama Stack's scripts/integration-tests.sh, plus what a
# Playwright user expects (--workers, model overrides). See --help.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

STACK_CONFIG="local"
SUITE="responses"
SETUP=""
INFERENCE_MODE="replay"
SUBDIRS=""
PATTERN=""
COLLECT_ONLY=false
WORKERS=""
MAX_FAILURES=""
TEXT_MODEL=""
EMBEDDING_MODEL=""
SHARD=""
STACK_NAME=""

usage() {
  cat <<USAGE
Usage: $0 [OPTIONS]

Options:
    --stack-config STRING    Stack configuration to use: local (in-process, the default), server:local
                             (the reference server), a stack declared in stacks.config.json, or the
                             URL of a running stack (http://host:port; a path is kept: .../v1/openai/v1)
    --stack-name NAME        The stack's name in test ids (stack=NAME), which picks its recordings
                             (default: local for the reference stack, the declared stackName, or
                             'external' for a URL; e.g. local for the reference server run by hand)
    --suite STRING           Test suite to run (default: 'responses')
    --setup STRING           Test setup (models, env) to use: scripted (the suite's default), gpt, ollama, vllm
    --inference-mode STRING  Inference mode: replay, record-if-missing, record or live (default: replay)
    --subdirs STRING         Comma-separated list of test subdirectories to run (within the suite)
    --pattern STRING         Tests to run: a regex of whole titles, 'describe › test' as Playwright
                             lists them ('>' works for '›'); '.*' matches inside a title
    --collect-only           List the tests without running them
    --workers N              Playwright workers (default: Playwright's, half the cores)
    --max-failures N         Stop after N failed tests (Playwright's --max-failures): when a change makes
                             every test miss, the first N misses say why in seconds; the rest do not run
    --text-model STRING      Override the setup's text model (e.g. openai/gpt-4o-mini)
    --embedding-model STRING Override the setup's embedding model
    --shard I/N              Run the I-th of N shards (Playwright --shard), writing a blob report to merge
    --help                   Show this help message

--stack-config, --setup and --text-model take comma-separated lists: one Playwright project
runs per combination (e.g. --stack-config local,server:local). Declared stacks (stacks.config.json)
are started once per worker slot, kept across worker restarts and stopped when the run ends.

Environment:
    OPENAI_API_KEY           Needed to record with --setup gpt (export it or put it in .env)
    STACK_TEST_RECORDING_DIR Recordings folder (default: recordings)

Examples:
    # Replay the Responses suite offline (what CI runs)
    $0 --suite responses

    # Record what is missing against OpenAI
    OPENAI_API_KEY=sk-... $0 --suite responses --setup gpt --inference-mode record-if-missing

    # One test, against the server form of the stack
    $0 --stack-config server:local --pattern 'test_response_streaming_basic › earth'

    # A stack that is already running (it records or replays below itself)
    $0 --stack-config http://localhost:8321 --setup gpt

    # Every test of a describe block
    $0 --pattern 'test_response_streaming_basic'

    # The second of four shards (CI: .github/workflows/ci.yml merges the shards' reports)
    $0 --suite responses --shard 2/4
USAGE
}

need_value() {
  if [[ $# -lt 2 || "$2" == --* ]]; then
    echo "Error: $1 requires a value" >&2
    usage >&2
    exit 1
  fi
}

# Which settings came from an option, so that an error names the option the user typed
# rather than the variable it became (settings.ts reads this).
OPTIONS_GIVEN=""
given() { OPTIONS_GIVEN+="${OPTIONS_GIVEN:+ }$1=$2"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --stack-config) need_value "$@"; STACK_CONFIG="$2"; given STACK_TEST_STACK_CONFIG "$1"; shift 2 ;;
    --stack-name) need_value "$@"; STACK_NAME="$2"; given STACK_TEST_STACK_NAME "$1"; shift 2 ;;
    --suite) need_value "$@"; SUITE="$2"; given STACK_TEST_SUITE "$1"; shift 2 ;;
    --setup) need_value "$@"; SETUP="$2"; given STACK_TEST_SETUP "$1"; shift 2 ;;
    --inference-mode) need_value "$@"; INFERENCE_MODE="$2"; given STACK_TEST_INFERENCE_MODE "$1"; shift 2 ;;
    --subdirs) need_value "$@"; SUBDIRS="$2"; shift 2 ;;
    --pattern) need_value "$@"; PATTERN="$2"; shift 2 ;;
    --collect-only) COLLECT_ONLY=true; shift ;;
    --workers) need_value "$@"; WORKERS="$2"; shift 2 ;;
    --max-failures) need_value "$@"; MAX_FAILURES="$2"; shift 2 ;;
    --text-model) need_value "$@"; TEXT_MODEL="$2"; given STACK_TEST_TEXT_MODEL "$1"; shift 2 ;;
    --embedding-model) need_value "$@"; EMBEDDING_MODEL="$2"; given STACK_TEST_EMBEDDING_MODEL "$1"; shift 2 ;;
    --shard) need_value "$@"; SHARD="$2"; shift 2 ;;
    --help | -h) usage; exit 0 ;;
    *)
      echo "Unknown option: $1" >&2
      usage >&2
      exit 1
      ;;
  esac
done

# An option that counts something, if given: a positive integer.
need_count() {
  if [[ -n "$2" && ! "$2" =~ ^[1-9][0-9]*$ ]]; then
    echo "Error: $1 must be a positive integer, not '$2'" >&2
    exit 1
  fi
}
need_count --workers "$WORKERS"
need_count --max-failures "$MAX_FAILURES"

if [[ -n "$SHARD" ]]; then
  if [[ ! "$SHARD" =~ ^([1-9][0-9]*)/([1-9][0-9]*)$ ]] || ((BASH_REMATCH[1] > BASH_REMATCH[2])); then
    echo "Error: --shard must be I/N with 1 <= I <= N (e.g. 1/4), not '$SHARD'" >&2
    exit 1
  fi
  # Each shard writes a blob report; merge them with: npx playwright merge-reports --reporter html DIR
  export STACK_TEST_BLOB_REPORT="${STACK_TEST_BLOB_REPORT:-blob-report}"
fi

if [[ ! -d node_modules ]]; then
  echo "Installing dependencies (npm ci)..."
  npm ci --no-audit --no-fund
fi

export STACK_TEST_OPTIONS_GIVEN="$OPTIONS_GIVEN"
export STACK_TEST_STACK_CONFIG="$STACK_CONFIG"
[[ -n "$STACK_NAME" ]] && export STACK_TEST_STACK_NAME="$STACK_NAME"
export STACK_TEST_SUITE="$SUITE"
export STACK_TEST_SETUP="$SETUP"
export STACK_TEST_INFERENCE_MODE="$INFERENCE_MODE"
export STACK_TEST_SUBDIRS="$SUBDIRS"
export STACK_TEST_TEXT_MODEL="$TEXT_MODEL"
export STACK_TEST_EMBEDDING_MODEL="$EMBEDDING_MODEL"
export STACK_TEST_JSON_REPORT="${STACK_TEST_JSON_REPORT:-test-results/integration-results.json}"
export STACK_TEST_HTML_REPORT="${STACK_TEST_HTML_REPORT:-playwright-report}"

echo "=== Integration tests ==="
# The script's TypeScript helpers run from a bundle cached until their sources change (run-ts.mjs).
node scripts/run-ts.mjs scripts/describe-run.ts
echo ""

# Playwright's own binary, not npx: npx costs a quarter of a second of every run to find it.
args=(node_modules/.bin/playwright test)
# A pattern or subdir that selects nothing is a mistake: select-tests says so and exits 1.
if [[ -n "$PATTERN" || -n "$SUBDIRS" ]]; then
  grep_regex=$(node scripts/run-ts.mjs scripts/select-tests.ts "$PATTERN") || exit 1
  [[ -n "$grep_regex" ]] && args+=(--grep "$grep_regex")
fi
[[ -n "$WORKERS" ]] && args+=(--workers "$WORKERS")
[[ -n "$MAX_FAILURES" ]] && args+=(--max-failures "$MAX_FAILURES")
[[ -n "$SHARD" ]] && args+=(--shard "$SHARD")

if [[ "$COLLECT_ONLY" == true ]]; then
  exec "${args[@]}" --list
fi

rm -f "$STACK_TEST_JSON_REPORT"
status=0
"${args[@]}" || status=$?

read -r _ failed_count total not_run < <(node scripts/report-counts.mjs "$STACK_TEST_JSON_REPORT")

echo ""
node scripts/run-ts.mjs scripts/run-summary.ts || true

echo ""
echo "HTML report: $STACK_TEST_HTML_REPORT/index.html (open it with: npx playwright show-report $STACK_TEST_HTML_REPORT)"
echo "Run summary: $STACK_TEST_HTML_REPORT/run-summary.txt"
if [[ -n "$SHARD" ]]; then
  echo "Blob report of shard $SHARD: $STACK_TEST_BLOB_REPORT/ (gather every shard's .zip in one folder, then: npx playwright merge-reports --reporter html FOLDER)"
fi

if [[ "$status" -eq 0 && "$total" -le 0 ]]; then
  echo "Error: no test ran." >&2
  exit 1
fi
if [[ -n "$MAX_FAILURES" && "$not_run" -gt 0 && "$failed_count" -ge "$MAX_FAILURES" ]]; then
  echo "Stopped after $failed_count failed tests (--max-failures $MAX_FAILURES): $not_run tests did not run." >&2
fi
if [[ "$status" -ne 0 ]]; then
  echo "Integration tests failed." >&2
  exit 1
fi
echo "Integration tests passed."
