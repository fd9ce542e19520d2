#!/usr/bin/env bash
# Runs fuzz targets one after another, each until 10 million executions or SECONDS
# seconds, no sanitizer (-s none: safe Rust; panics, aborts, stack overflows, hangs and
# memory blow-ups are what is looked for), inputs up to MAX_LEN bytes (default 4096). Corpora grow in
# corpus/TARGET; crashes land in artifacts/. One line per run is appended to runs.log:
# the executions count toward each target's total.
#   usage: [MAX_LEN=N] fuzz/run.sh SECONDS [TARGET[=RUNS]...]     (default: every target)
# RUNS caps one target's executions in this run (default 10 million), to top up a total.
set -uo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
secs=${1:-1800}
max_len=${MAX_LEN:-4096}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(library_toml check_bytes csv_recipients render_merge name_folding ingest_toml reply_outputs fix_text approval_edit)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cargo fuzz build -O -s none >/dev/null
mkdir -p artifacts
# A fresh clone has no corpora (they grow here and are not committed): an empty one
# starts from the repository's own inputs.
seed() {
  local dir="corpus/$1"; shift
  [ -n "$(ls -A "$dir" 2>/dev/null)" ] && return
  mkdir -p "$dir"
  local f; for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/seed-$(basename "$(dirname "$f")")-$(basename "$f")"; done
}
seed check_bytes ../seeds/*.txt ../tests/letters/*.txt ../tests/incoming/*
seed fix_text ../seeds/*.txt ../tests/letters/*.txt ../tests/incoming/*
seed ingest_toml ../seeds/*.txt ../tests/letters/*.txt
seed name_folding ../seeds/*.txt
seed reply_outputs ../tests/incoming/*
seed library_toml ../templates/*.toml ../templates/*/*.toml
seed approval_edit ../templates/blocks/*.toml seeds/approval_edit/*
seed csv_recipients ../tests/bad_input/*/*.csv
for spec in "${targets[@]}"; do
  t=${spec%%=*}
  cap=10000000
  [ "$t" != "$spec" ] && cap=${spec#*=}
  mkdir -p "corpus/$t"
  log=$(mktemp)
  # Targets that read letters get the time-language dictionary (dict/time.dict).
  dict=()
  case $t in check_bytes|fix_text|ingest_toml|name_folding|reply_outputs) dict=(-dict=dict/time.dict) ;; esac
  nice -n 19 "target/x86_64-unknown-linux-gnu/release/$t" "corpus/$t" -runs="$cap" -max_total_time="$secs" \
    -max_len="$max_len" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="artifacts/$t-" "${dict[@]}" >"$log" 2>&1
  code=$?
  runs=$(grep -o 'number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$')
  echo "$(date -u +%F) $t executions=${runs:-?} exit=$code max_len=$max_len" >> runs.log
  [ $code -ne 0 ] && tail -40 "$log"
  rm -f "$log"
done
