#!/bin/sh
# bench/run.sh — `make bench`: generates 10k, 100k and 1M-step models in a
# temporary folder, times every phase of procmap on each (bench/bench.c),
# times the CLI end to end, renders a 1,000-process model against a `dot`
# loop, and prints the targets with what was measured.
#
#   sh bench/run.sh [BUILD]          BUILD holds procmap, pm-bench, pm-gen
#
# BENCH_SIZES="10000 100000" and BENCH_REPEAT=N (best of N, default 3)
# shorten a run; BENCH_KEEP=1 keeps the temporary folder.
set -eu

B=${1:-build/bench}
SIZES=${BENCH_SIZES:-"10000 100000 1000000"}
REPEAT=${BENCH_REPEAT:-3}
for f in procmap pm-bench pm-gen; do
	[ -x "$B/$f" ] || { echo "bench: $B/$f is missing (run make bench)" >&2; exit 2; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/procmap-bench.XXXXXX")
if [ -z "${BENCH_KEEP:-}" ]; then
	trap 'rm -rf "$dir"' EXIT
	trap 'exit 130' INT TERM
else
	echo "bench: keeping $dir"
fi
rec=$dir/record.tsv
: >"$rec"

label() {
	case $1 in
	*000000) echo "${1%000000}M" ;;
	*000) echo "${1%000}k" ;;
	*) echo "$1" ;;
	esac
}

machine() {
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
	mem=$(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
	cc=$(${CC:-cc} --version 2>/dev/null | head -n 1)
	echo "machine: ${cpu:-unknown CPU}, $(nproc 2>/dev/null || echo '?') cores, ${mem:-? GB}," \
	     "$(uname -sr); $cc, -O2"
}

# Peak RSS (KiB) and wall time (s) of a command, from GNU time when present.
timed() {
	out=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >"$out" 2>"$dir/stderr.txt" || true
		cat "$dir/time.txt"
	else
		s=$(date +%s.%N)
		"$@" >"$out" 2>"$dir/stderr.txt" || true
		e=$(date +%s.%N)
		echo "$s $e" | awk '{ printf "%.2f 0\n", $2 - $1 }'
	fi
}

# The CLI end to end, as a user runs it: best of REPEAT.
cli_row() {
	n=$1 file=$2 what=$3
	shift 3
	best=
	i=0
	while [ "$i" -lt "$REPEAT" ]; do
		t=$(timed "$dir/cli.out" "$B/procmap" "$@" "$file")
		best=$(printf '%s\n%s\n' "$best" "$t" | awk 'NF == 2 && ($1 < b || b == "") { b = $1; r = $0 } END { print r }')
		i=$((i + 1))
	done
	set -- $best
	printf '  %-40s %9.3f s  (peak RSS %.1f MB, %s)\n' "CLI: $what" "$1" "$(echo "$2" | awk '{ print $1 / 1024 }')" \
	       "$(wc -c <"$dir/cli.out" | awk '{ printf "%.1f MB out", $1 / 1e6 }')"
	printf '%s\tcli\t%s\t%s\t%s\n' "$(label "$n")" "$what" "$1" "$2" >>"$rec"
}

check_json_args() {
	if "$B/procmap" check --help 2>/dev/null | grep -q -- '--format'; then
		echo "check --format json"
	else
		echo "check"
	fi
}

one_size() {
	n=$1
	l=$(label "$n")
	pm=$dir/$l.pmap
	ym=$dir/$l.yaml
	"$B/pm-gen" --steps "$n" --format pmap >"$pm"
	"$B/pm-gen" --steps "$n" --format yaml >"$ym"
	echo
	echo "=== $l steps ====================================================="
	o="--repeat $REPEAT --out $dir --record $rec --label $l"
	"$B/pm-bench" $o floor "$pm" || true
	"$B/pm-bench" $o load "$pm" || true
	"$B/pm-bench" $o api "$pm" || true
	args=$(check_json_args)
	cli_row "$n" "$pm" "procmap $args" $args --fail-on error
	echo
	"$B/pm-bench" $o floor "$ym" || true
	"$B/pm-bench" $o libyaml "$ym" || true
	"$B/pm-bench" $o load "$ym" || true
}

# The value recorded for (label, mode, phase), or empty.
get() {
	awk -F '\t' -v l="$1" -v m="$2" -v p="$3" -v c="${4:-4}" \
	    '$1 == l && $2 == m && $3 == p { v = $c } END { print v }' "$rec"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'
}

verdict() {
	awk -v v="$1" -v lim="$2" 'BEGIN { if (v == "" || v == "n/a") print "not measured";
	                                   else if (v + 0 <= lim + 0) print "met"; else print "NOT met" }'
}

# The rendering row: all process diagrams of a ~1,000-process model.
render_row() {
	if ! "$B/procmap" render --help >/dev/null 2>&1; then
		echo "render: 'procmap render' is not available yet; row skipped"
		return
	fi
	if ! command -v dot >/dev/null; then
		echo "render: Graphviz 'dot' is not installed; row skipped"
		return
	fi
	rm="$dir/render.pmap"
	"$B/pm-gen" --steps 7500 --format pmap --seed 7 >"$rm"
	mkdir -p "$dir/svg" "$dir/dot" "$dir/loop"
	s=$(date +%s.%N)
	"$B/procmap" render --level process --format svg -o "$dir/svg" "$rm" >/dev/null 2>"$dir/render.err" || true
	e=$(date +%s.%N)
	t_render=$(echo "$s $e" | awk '{ printf "%.3f", $2 - $1 }')
	"$B/procmap" render --level process --format dot -o "$dir/dot" "$rm" >/dev/null 2>>"$dir/render.err" || true
	ndot=$(find "$dir/dot" -name '*.dot' | wc -l)
	nsvg=$(find "$dir/svg" -name '*.svg' | wc -l)
	s=$(date +%s.%N)
	for f in "$dir"/dot/*.dot; do
		[ -e "$f" ] || continue
		dot -Tsvg "$f" -o "$dir/loop/$(basename "$f" .dot).svg"
	done
	e=$(date +%s.%N)
	t_loop=$(echo "$s $e" | awk '{ printf "%.3f", $2 - $1 }')
	echo
	echo "=== rendering: every process diagram of a model of $ndot processes ==="
	printf '  %-44s %9.3f s  (%s SVG files)\n' "procmap render --level process --format svg" "$t_render" "$nsvg"
	printf '  %-44s %9.3f s  (%s DOT files)\n' "shell loop: dot -Tsvg on each process's DOT" "$t_loop" "$ndot"
	[ -s "$dir/render.err" ] && sed 's/^/  render: /' "$dir/render.err" | head -n 5
	printf 'render\tcli\tprocmap\t%s\t0\nrender\tcli\tloop\t%s\t0\n' "$t_render" "$t_loop" >>"$rec"
}

summary() {
	big=$(label "$(echo "$SIZES" | awk '{ print $NF }')")
	mid=$(label "$(echo "$SIZES" | awk '{ print (NF > 1 ? $(NF - 1) : $NF) }')")
	t1=$(get "$big" api total)
	r1=$(get "$big" api total 5 | awk '{ if ($1 != "") printf "%.0f", $1 / 1024 }')
	y1=$(get "$big" load total)
	l1=$(get "$big" libyaml total)
	t0=$(get "$mid" api total)
	tr=$(get render cli procmap)
	tl=$(get render cli loop)
	yr=$(ratio "$y1" "$l1")
	sc=$(ratio "$t1" "$t0")
	sp=$(ratio "$tl" "$tr")
	echo
	echo "=== targets ======================================================="
	machine
	echo "| what | target | measured | |"
	echo "|---|---|---|---|"
	printf '| %s .pmap: load + resolve + all passes + JSON report | <= 1.0 s, peak RSS <= 400 MB | %s s, %s MB | %s / %s |\n' \
	       "$big" "${t1:-?}" "${r1:-?}" "$(verdict "$t1" 1.0)" "$(verdict "$r1" 400)"
	printf '| %s YAML: load + resolve + all passes + JSON report | <= 1.3x libyaml raw parse (%s s) | %s s = %sx | %s |\n' \
	       "$big" "${l1:-?}" "${y1:-?}" "$yr" "$(verdict "$yr" 1.3)"
	printf '| scaling %s -> %s steps (.pmap, same pipeline) | <= 11x the time | %s s -> %s s = %sx | %s |\n' \
	       "$mid" "$big" "${t0:-?}" "${t1:-?}" "$sc" "$(verdict "$sc" 11)"
	if [ -n "$tr" ]; then
		printf '| all process diagrams, %s | >= 10x faster than a dot -Tsvg loop | %s s vs %s s = %sx faster | %s |\n' \
		       "1,000-process model" "$tr" "$tl" "$sp" \
		       "$(awk -v v="$sp" 'BEGIN { print (v != "n/a" && v + 0 >= 10) ? "met" : "NOT met" }')"
	else
		echo "| all process diagrams, 1,000-process model | >= 10x faster than a dot -Tsvg loop | not measured (render not available) | |"
	fi
}

echo "procmap bench: sizes $SIZES, best of $REPEAT, in $dir"
machine
for n in $SIZES; do
	one_size "$n"
done
render_row
summary
