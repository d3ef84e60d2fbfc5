#!/bin/sh
# bench/run.sh — `make bench`: generates 10k, 100k and 1M-step models in a
# temporary folder, times every phase of procmap on each (bench/bench.c),
# times the CLI end to end and the igraph peer (bench/peer_igraph.py) on
# the largest, with BENCH_RENDER=1 renders a 1,000-process model against a `dot` loop, and
# prints issue 19's targets with what was measured.
#
#   sh bench/run.sh [BUILD]          BUILD holds procmap, pm-bench, pm-gen
#
# Each measurement is the best of BENCH_REPEAT runs (default 3; at a
# million steps 2 for .pmap and 1 for YAML, to stay well under 5 minutes).
# BENCH_SIZES="10000 100000" shortens a run; BENCH_KEEP=1 keeps the
# temporary folder; BENCH_RENDER=1 adds the rendering row (its dot loop
# alone takes a minute); PEER_PYTHON names the python with igraph
# (default /usr/bin/python3, Debian's, where python3-igraph installs).
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
	rm -f "$dir/cli.json"
	while [ "$i" -lt "$r" ]; do
		# a report left by the last run is removed first (see bench.c)
		rm -f "$dir/cli.json"
		t=$(measure "$dir/cli.out" "$B/procmap" "$@" -o "$dir/cli.json" "$file")
		best=$(printf '%s\n%s\n' "$best" "$t" | awk 'NF == 3 && ($1 < b || b == "") { b = $1; r = $0 } END { print r }')
		i=$((i + 1))
	done
	set -- $best
	printf '  %-46s %8.3f s %8.3f s cpu  (peak RSS %.1f MB, %s)\n' "CLI: $what" "$1" "$2" \
	       "$(echo "$3" | awk '{ print $1 / 1024 }')" \
	       "$(wc -c <"$dir/cli.json" 2>/dev/null | awk '{ printf "%.1f MB out", $1 / 1e6 }')"
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
	"$B/pm-bench" $o --label "$l-text" --report text load "$pm" || true
	"$B/pm-bench" $o api "$pm" || true
	args=$(check_json_args)
	CLI_WHAT="procmap $args -o F"
	cli_row "$n" "$pm" "$CLI_WHAT" $args
	if [ "$n" = "$big_n" ]; then
		peer_row "$n" "$pm"
	fi
	echo
	o="--repeat $(reps "$n" yaml) --out $dir --record $rec --label $l-yaml"
	"$B/pm-bench" $o floor "$ym" || true
	"$B/pm-bench" $o libyaml "$ym" || true
	"$B/pm-bench" $o load "$ym" || true
}

# The igraph peer on the same model, in the same run: SCC, in-degree and
# the condensation's longest path (bench/peer_igraph.py), with Debian's
# python3 (python3-igraph); one line when it is not installed.
PEER_PY=${PEER_PYTHON:-/usr/bin/python3}
peer_row() {
	n=$1 file=$2
	if ! [ -x "$PEER_PY" ] || ! "$PEER_PY" -c 'import igraph' 2>/dev/null; then
		echo "  peer: python-igraph is not importable by $PEER_PY (apt-get install python3-igraph); not measured"
		return 0
	fi
	: >"$dir/stderr.txt"
	set -- $(measure "$dir/peer.out" "$PEER_PY" bench/peer_igraph.py "$file")
	if ! [ -s "$dir/peer.out" ]; then
		echo "  peer: bench/peer_igraph.py failed: $(head -n 1 "$dir/stderr.txt")"
		return 0
	fi
	printf '  %-46s %8.3f s %8.3f s cpu  (peak RSS %.1f MB)\n' "peer: python-igraph $(
	       "$PEER_PY" -c 'import igraph; print(igraph.__version__)')" "$1" "$2" \
	       "$(echo "$3" | awk '{ print $1 / 1024 }')"
	sed 's/^/    /' "$dir/peer.out"
	printf '%s\tpeer\tigraph\t%s\t%s\t%s\n' "$(label "$n")" "$1" "$3" "$2" >>"$rec"
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
	                                   else if (v + 0 <= lim + 0) print "ok"; else print "NOT MET" }'
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
	if [ -z "${BENCH_RENDER:-}" ]; then
		echo
		echo "render: not timed (BENCH_RENDER=1 times every process diagram against a dot loop, ~1 min)"
		return
	fi
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

# A rate in MB/s of bytes over seconds, or empty.
rate() {
	awk -v b="$1" -v t="$2" 'BEGIN { if (b != "" && t != "" && t > 0) printf "%.0f", b / t / 1e6 }'
}

summary() {
	big=$(label "$big_n")
	mid=$(label "$(echo "$SIZES" | awk '{ print (NF > 1 ? $(NF - 1) : $NF) }')")
	echo
	echo "=== targets (issue 19) ============================================"
	machine
	echo "wall = elapsed time; cpu = user + system time of the run, which is what the"
	echo "wall time would be on an idle machine (a busy one makes wall > cpu)."
	echo
	echo "| what | target | measured | |"
	echo "|---|---|---|---|"
	# the CLI as a user runs it
	w=$(get "$big" cli "$CLI_WHAT")
	c=$(get "$big" cli "$CLI_WHAT" 6)
	r=$(get "$big" cli "$CLI_WHAT" 5 | awk '{ if ($1 != "") printf "%.0f", $1 / 1024 }')
	printf '| %s .pmap: `%s` | <= 0.8 s wall, peak RSS <= 300 MB | %s s (%s s cpu), %s MB | %s; RSS %s |\n' \
	       "$big" "$CLI_WHAT" "$(sec "$w")" "$(sec "$c")" "${r:-?}" "$(verdicts "$w" "$c" 0.8)" "$(verdict "$r" 300)"
	# the peer
	pw=$(get "$big" peer igraph)
	if [ -n "$pw" ]; then
		printf '| %s .pmap: the igraph peer (SCC, in-degree, condensation longest path) | procmap >= 8x faster | igraph %s s (%s s cpu), %.0f MB: procmap %sx faster (%sx in cpu) | %s |\n' \
		       "$big" "$(sec "$pw")" "$(sec "$(get "$big" peer igraph 6)")" \
		       "$(get "$big" peer igraph 5 | awk '{ print $1 / 1024 }')" \
		       "$(ratio "$pw" "$w")" "$(ratio "$(get "$big" peer igraph 6)" "$c")" \
		       "$(at_least "$(ratio "$pw" "$w")" 8)"
	else
		echo "| $big .pmap: the igraph peer | procmap >= 8x faster | not measured: python3-igraph is not installed | |"
	fi
	# parse and report rates, from the phases of pm-bench load
	in=$(get "$big" load "input bytes")
	pr=$(rate "$in" "$(get "$big" load parse)")
	pc=$(rate "$in" "$(get "$big" load parse 6)")
	printf '| %s .pmap: parse | >= 300 MB/s | %s MB/s (%s MB/s cpu) | %s |\n' \
	       "$big" "${pr:-?}" "${pc:-?}" "$(at_least_both "$pr" "$pc" 300)"
	jb=$(get "$big" load "json report bytes")
	jr=$(rate "$jb" "$(get "$big" load "json report")")
	jc=$(rate "$jb" "$(get "$big" load "json report" 6)")
	printf '| %s .pmap: JSON report to a file | >= 400 MB/s | %s MB/s (%s MB/s cpu), %.1f MB in %s s | %s |\n' \
	       "$big" "${jr:-?}" "${jc:-?}" "$(echo "${jb:-0}" | awk '{ print $1 / 1e6 }')" \
	       "$(sec "$(get "$big" load "json report")")" "$(at_least_both "$jr" "$jc" 400)"
	nd=$(get "$big-text" load diagnostics)
	tw=$(get "$big-text" load "text report")
	tc=$(get "$big-text" load "text report" 6)
	if [ -n "$nd" ] && [ "$nd" -ge 100000 ]; then
		printf '| %s .pmap: text report of %s findings to a file | <= 0.1 s | %s s (%s s cpu), %.1f MB | %s |\n' \
		       "$big" "$nd" "$(sec "$tw")" "$(sec "$tc")" \
		       "$(get "$big-text" load "text report bytes" | awk '{ print $1 / 1e6 }')" "$(verdicts "$tw" "$tc" 0.1)"
	else
		echo "| text report of 100k findings | <= 0.1 s | not measured: the $big model has ${nd:-?} findings (the 1M one has ~105k) | |"
	fi
	y1=$(get "$big-yaml" load total)
	cy1=$(get "$big-yaml" load total 6)
	l1=$(get "$big-yaml" libyaml total)
	cl1=$(get "$big-yaml" libyaml total 6)
	yl=$(awk -v a="$(get "$big-yaml" load read)" -v b="$(get "$big-yaml" load "parse (YAML loader)")" \
	     'BEGIN { if (a != "" && b != "") print a + b }')
	cyl=$(awk -v a="$(get "$big-yaml" load read 6)" -v b="$(get "$big-yaml" load "parse (YAML loader)" 6)" \
	     'BEGIN { if (a != "" && b != "") print a + b }')
	printf '| %s YAML: load + resolve + passes + JSON report | <= 1.3x libyaml raw event parse, %s | %s = %sx (%sx cpu) | %s |\n' \
	       "$big" "$(both "$big-yaml" libyaml total)" "$(both "$big-yaml" load total)" \
	       "$(ratio "$y1" "$l1")" "$(ratio "$cy1" "$cl1")" \
	       "$(verdicts "$(ratio "$y1" "$l1")" "$(ratio "$cy1" "$cl1")" 1.3)"
	printf '| %s YAML: load alone (read + YAML loader) | (for comparison) | %s s (%s s cpu) = %sx (%sx cpu) | |\n' \
	       "$big" "$(sec "$yl")" "$(sec "$cyl")" "$(ratio "$yl" "$l1")" "$(ratio "$cyl" "$cl1")"
	t1=$(get "$big" api total)
	c1=$(get "$big" api total 6)
	t0=$(get "$mid" api total)
	c0=$(get "$mid" api total 6)
	printf '| scaling %s -> %s steps (.pmap, load + resolve + passes + JSON) | <= 11x the time | %sx (%sx cpu) | %s |\n' \
	       "$mid" "$big" "$(ratio "$t1" "$t0")" "$(ratio "$c1" "$c0")" \
	       "$(verdicts "$(ratio "$t1" "$t0")" "$(ratio "$c1" "$c0")" 11)"
}

# met / NOT met for a wall and a CPU rate against a floor.
at_least_both() {
	echo "$(at_least "$1" "$3") wall, $(at_least "$2" "$3") cpu"
}

at_least() {
	awk -v v="$1" -v lim="$2" 'BEGIN { if (v == "" || v == "n/a") print "not measured";
	                                   else if (v + 0 >= lim + 0) print "ok"; else print "NOT MET" }'
}

big_n=$(echo "$SIZES" | awk '{ print $NF }')
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
