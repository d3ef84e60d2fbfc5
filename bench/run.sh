#!/bin/sh
# bench/run.sh — `make bench`: generates 10k, 100k and 1M-step models in a
# temporary folder, times every phase of procmap on each (bench/bench.c),
# times the CLI end to end, renders a 1,000-process model against a `dot`
# loop, and prints the targets with what was measured.
#
#   sh bench/run.sh [BUILD]          BUILD holds procmap, pm-bench, pm-gen
#
# Each measurement is the best of BENCH_REPEAT runs (default 3; at a
# million steps 2 for .pmap and 1 for YAML, to stay well under 5 minutes).
# BENCH_SIZES="10000 100000" shortens a run; BENCH_KEEP=1 keeps the
# temporary folder.
set -eu

B=${1:-build/bench}
SIZES=${BENCH_SIZES:-"10000 100000 1000000"}
REPEAT=${BENCH_REPEAT:-3}

# Runs for a size and format: fewer where one run takes seconds.
reps() {
	if [ -n "${BENCH_REPEAT:-}" ] || [ "$1" -lt 1000000 ]; then
		echo "$REPEAT"
	elif [ "$2" = yaml ]; then
		echo 1
	else
		echo 2
	fi
}
for f in procmap pm-bench pm-gen; do
	[ -x "$B/$f" ] || { echo "bench: $B/$f is missing (run make bench)" >&2; exit 2; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/procmap-bench.XXXXXX")
if [ -z "${BENCH_KEEP:-}" ]; then
	trap 'rm -rf "$dir"' EXIT
	trap 'exit 130' HUP INT PIPE TERM
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
	     "$(uname -sr); $cc, -O2; load average $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
}

# The CLI end to end, as a user runs it: best of reps.
cli_row() {
	n=$1 file=$2 what=$3
	shift 3
	best=
	i=0
	r=$(reps "$n" pmap)
	: >"$dir/stderr.txt"
	while [ "$i" -lt "$r" ]; do
		t=$(measure "$dir/cli.out" "$B/procmap" "$@" "$file")
		best=$(printf '%s\n%s\n' "$best" "$t" | awk 'NF == 3 && ($1 < b || b == "") { b = $1; r = $0 } END { print r }')
		i=$((i + 1))
	done
	set -- $best
	printf '  %-46s %8.3f s %8.3f s cpu  (peak RSS %.1f MB, %s)\n' "CLI: $what" "$1" "$2" \
	       "$(echo "$3" | awk '{ print $1 / 1024 }')" \
	       "$(wc -c <"$dir/cli.out" | awk '{ printf "%.1f MB out", $1 / 1e6 }')"
	printf '%s\tcli\t%s\t%s\t%s\t%s\n' "$(label "$n")" "$what" "$1" "$3" "$2" >>"$rec"
}

# `check` with a JSON report, as far as this procmap has the options.
check_json_args() {
	h=$("$B/procmap" check --help 2>/dev/null || true)
	a="check"
	case $h in *--format*) a="$a --format json" ;; esac
	case $h in *--no-config*) a="$a --no-config" ;; esac
	echo "$a"
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
	o="--repeat $(reps "$n" pmap) --out $dir --record $rec --label $l"
	"$B/pm-bench" $o floor "$pm" || true
	"$B/pm-bench" $o load "$pm" || true
	"$B/pm-bench" $o api "$pm" || true
	args=$(check_json_args)
	cli_row "$n" "$pm" "procmap $args" $args
	echo
	o="--repeat $(reps "$n" yaml) --out $dir --record $rec --label $l-yaml"
	"$B/pm-bench" $o floor "$ym" || true
	"$B/pm-bench" $o libyaml "$ym" || true
	"$B/pm-bench" $o load "$ym" || true
}

# The value recorded for (label, mode, phase), or empty.
get() {
	awk -F '\t' -v l="$1" -v m="$2" -v p="$3" -v c="${4:-4}" \
	    '$1 == l && $2 == m && $3 == p { v = $c } END { print v }' "$rec"
}

sec() {
	awk -v v="$1" 'BEGIN { if (v == "") print "?"; else printf "%.3f", v }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'
}

verdict() {
	awk -v v="$1" -v lim="$2" 'BEGIN { if (v == "" || v == "n/a") print "not measured";
	                                   else if (v + 0 <= lim + 0) print "met"; else print "NOT met" }'
}

# "wall cpu rss_kib" of a command (its children included), stdout to $1.
measure() {
	out=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %U %S %M' -o "$dir/time.txt" "$@" >"$out" 2>>"$dir/stderr.txt" || true
		awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$dir/time.txt"
	else
		s=$(date +%s.%N)
		"$@" >"$out" 2>>"$dir/stderr.txt" || true
		e=$(date +%s.%N)
		echo "$s $e" | awk '{ printf "%.2f 0 0\n", $2 - $1 }'
	fi
}

# The rendering row: all process diagrams of a ~1,000-process model, by
# procmap in one run and by `dot -Tsvg` once per process's DOT file.
render_row() {
	if ! "$B/procmap" render --help >/dev/null 2>&1; then
		echo
		echo "render: 'procmap render' is not available yet; row skipped"
		return
	fi
	if ! command -v dot >/dev/null; then
		echo
		echo "render: Graphviz 'dot' is not installed; row skipped"
		return
	fi
	rm="$dir/render.pmap"
	"$B/pm-gen" --steps 7500 --format pmap --seed 7 >"$rm"
	mkdir -p "$dir/svg" "$dir/dot" "$dir/loop"
	: >"$dir/stderr.txt"
	set -- $(measure "$dir/render.out" "$B/procmap" render --level process --format svg -o "$dir/svg" "$rm")
	rw=$1 rc=$2 rr=$3
	"$B/procmap" render --level process --format dot -o "$dir/dot" "$rm" >/dev/null 2>>"$dir/stderr.txt" || true
	ndot=$(find "$dir/dot" -name '*.dot' | wc -l)
	nsvg=$(find "$dir/svg" -name '*.svg' | wc -l)
	set -- $(measure "$dir/loop.out" sh -c 'for f in "$1"/*.dot; do
		[ -e "$f" ] || continue
		dot -Tsvg "$f" -o "$2/$(basename "$f" .dot).svg" || exit 1
	done' sh "$dir/dot" "$dir/loop")
	lw=$1 lc=$2
	echo
	echo "=== rendering: every process diagram of a $ndot-process model ========"
	printf '  %-46s %8.3f s %8.3f s cpu  (%s SVG files, peak RSS %.1f MB)\n' \
	       "procmap render --level process --format svg" "$rw" "$rc" "$nsvg" \
	       "$(echo "$rr" | awk '{ print $1 / 1024 }')"
	printf '  %-46s %8.3f s %8.3f s cpu  (%s DOT files)\n' \
	       "shell loop: dot -Tsvg on each process's DOT" "$lw" "$lc" "$ndot"
	[ -s "$dir/stderr.txt" ] && sed 's/^/  render: /' "$dir/stderr.txt" | head -n 5
	printf 'render\tcli\tprocmap\t%s\t%s\t%s\n' "$rw" "$rr" "$rc" >>"$rec"
	printf 'render\tcli\tloop\t%s\t0\t%s\n' "$lw" "$lc" >>"$rec"
	printf 'render\tcli\tcount\t%s\t0\t0\n' "$ndot" >>"$rec"
}

# "wall s (cpu s)" of a recorded total.
both() {
	echo "$(sec "$(get "$1" "$2" "$3")") s ($(sec "$(get "$1" "$2" "$3" 6)") s cpu)"
}

# met / NOT met for wall and CPU time against a bound.
verdicts() {
	echo "$(verdict "$1" "$3") wall, $(verdict "$2" "$3") cpu"
}

summary() {
	big=$(label "$(echo "$SIZES" | awk '{ print $NF }')")
	mid=$(label "$(echo "$SIZES" | awk '{ print (NF > 1 ? $(NF - 1) : $NF) }')")
	t1=$(get "$big" api total)
	c1=$(get "$big" api total 6)
	r1=$(get "$big" api total 5 | awk '{ if ($1 != "") printf "%.0f", $1 / 1024 }')
	y1=$(get "$big-yaml" load total)
	cy1=$(get "$big-yaml" load total 6)
	l1=$(get "$big-yaml" libyaml total)
	cl1=$(get "$big-yaml" libyaml total 6)
	yl=$(awk -v a="$(get "$big-yaml" load read)" -v b="$(get "$big-yaml" load "parse (YAML loader)")" \
	     'BEGIN { if (a != "" && b != "") print a + b }')
	cyl=$(awk -v a="$(get "$big-yaml" load read 6)" -v b="$(get "$big-yaml" load "parse (YAML loader)" 6)" \
	     'BEGIN { if (a != "" && b != "") print a + b }')
	t0=$(get "$mid" api total)
	c0=$(get "$mid" api total 6)
	echo
	echo "=== targets ======================================================="
	machine
	echo "wall = elapsed time; cpu = user + system time of the run, which is what the"
	echo "wall time would be on an idle machine (a busy one makes wall > cpu)."
	echo
	echo "| what | target | measured | |"
	echo "|---|---|---|---|"
	printf '| %s .pmap: load + resolve + all passes + JSON report | <= 1.0 s, peak RSS <= 400 MB | %s, %s MB | %s; RSS %s |\n' \
	       "$big" "$(both "$big" api total)" "${r1:-?}" "$(verdicts "$t1" "$c1" 1.0)" "$(verdict "$r1" 400)"
	printf '| %s YAML: the same pipeline | <= 1.3x libyaml raw event parse, %s | %s = %sx (%sx cpu) | %s |\n' \
	       "$big" "$(both "$big-yaml" libyaml total)" "$(both "$big-yaml" load total)" \
	       "$(ratio "$y1" "$l1")" "$(ratio "$cy1" "$cl1")" \
	       "$(verdicts "$(ratio "$y1" "$l1")" "$(ratio "$cy1" "$cl1")" 1.3)"
	printf '| %s YAML: load alone (read + YAML loader) | (for comparison) | %s s (%s s cpu) = %sx (%sx cpu) | |\n' \
	       "$big" "$(sec "$yl")" "$(sec "$cyl")" "$(ratio "$yl" "$l1")" "$(ratio "$cyl" "$cl1")"
	printf '| scaling %s -> %s steps (.pmap, same pipeline) | <= 11x the time | %sx (%sx cpu) | %s |\n' \
	       "$mid" "$big" "$(ratio "$t1" "$t0")" "$(ratio "$c1" "$c0")" \
	       "$(verdicts "$(ratio "$t1" "$t0")" "$(ratio "$c1" "$c0")" 11)"
	tr=$(get render cli procmap)
	tl=$(get render cli loop)
	if [ -n "$tr" ]; then
		sp=$(ratio "$tl" "$tr")
		cs=$(ratio "$(get render cli loop 6)" "$(get render cli procmap 6)")
		# procmap renders with a worker per core, so CPU time is no guide
		# to its wall time here: the verdict is on the wall clock
		printf '| all process diagrams, %s | >= 10x faster than a dot -Tsvg loop | %s vs %s: %sx faster (%sx in cpu time, all workers counted) | %s |\n' \
		       "$(get render cli count 4) processes" "$(both render cli procmap)" "$(both render cli loop)" \
		       "$sp" "$cs" "$(at_least "$sp" 10)"
	else
		echo "| all process diagrams, 1,000-process model | >= 10x faster than a dot -Tsvg loop | not measured: 'procmap render' not available | |"
	fi
}

at_least() {
	awk -v v="$1" -v lim="$2" 'BEGIN { if (v == "" || v == "n/a") print "not measured";
	                                   else if (v + 0 >= lim + 0) print "met"; else print "NOT met" }'
}

echo "procmap bench: sizes $SIZES, in $dir"
machine
for n in $SIZES; do
	one_size "$n"
done
render_row
summary
# the language server on the 10k-step model: what an editor waits for
lsp_model="$dir/lsp.pmap"
"$B/pm-gen" --steps 10000 --format pmap >"$lsp_model"
if command -v python3 >/dev/null; then
	python3 bench/lsp.py "$B/procmap" "$lsp_model"
else
	echo "| LSP | | not measured: no python3 | |"
fi
