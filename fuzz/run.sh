#!/bin/sh
# run.sh — runs libFuzzer targets one after the other (make fuzz).
#   sh fuzz/run.sh BUILD_DIR SECONDS TARGET...
# Seeds are copied from samples/ and tests/ at every run, so new samples and
# regression inputs join the seed corpus by themselves.  The corpus that
# libFuzzer grows lives in BUILD_DIR/corpus-TARGET (kept between runs, out of
# git); crashes, leaks and timeouts are saved in BUILD_DIR/artifacts/TARGET/.
# Each run appends a line to BUILD_DIR/stats.log: date, target, seconds,
# executions, coverage (cov) and features (ft) from libFuzzer's final stats.
set -u

build=$1 seconds=$2
shift 2
status=0

# The inputs a target starts from: its kind of file from samples/ and tests/.
seed_files() {
	case $1 in
	fuzz_yaml) find samples tests -type f \( -name '*.yaml' -o -name '*.yml' \) \
	               ! -name '.procmap.yaml' ! -path '*config*' ;;
	fuzz_config) find tests samples -type f \( -name '.procmap.yaml' \
	               -o -path '*config*.yaml' -o -path '*config*.yml' \) ;;
	fuzz_lsp) find tests/lsp -type f -name '*.lsp' ;;
	fuzz_dot) find samples tests/golden tests/regress/dot -type f -name '*.pmap' ;;
	*) find samples tests -type f -name '*.pmap' ;;
	esac 2>/dev/null
}

for t in "$@"; do
	seed=$build/seed-$t corpus=$build/corpus-$t art=$build/artifacts/$t
	rm -rf "$seed"
	mkdir -p "$seed" "$corpus" "$art"
	seed_files "$t" | while IFS= read -r f; do
		cp "$f" "$seed/$(echo "$f" | tr / _)"
	done
	# no seed at all still leaves one empty input to start from
	[ -n "$(ls -A "$seed")" ] || : >"$seed/empty"
	log=$build/$t.log
	echo "== $t: ${seconds}s, seeds $(ls "$seed" | wc -l), corpus $(ls "$corpus" | wc -l)"
	LSAN_OPTIONS=suppressions=fuzz/lsan.supp:print_suppressions=0 \
	"$build/$t" -dict=fuzz/dictionary -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
		-artifact_prefix="$art/" "$corpus" "$seed" >"$log" 2>&1
	rc=$?
	done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$done_line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $t seconds=$seconds execs=${execs:-?} cov=${cov:-?} ft=${ft:-?} rc=$rc" \
		>>"$build/stats.log"
	echo "   execs ${execs:-?}, cov ${cov:-?}, ft ${ft:-?}, corpus $(ls "$corpus" | wc -l)"
	if [ "$rc" != 0 ]; then
		echo "   FAILED (exit $rc): see $log and $art/" >&2
		grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" >&2
		status=1
	fi
done
exit $status
