#!/bin/sh
# valgrind-cli.sh — stands in for the procmap CLI during `make leakcheck`:
# runs $PROCMAP_VG_BIN under valgrind memcheck with the same arguments,
# standard streams and exit status, logging into $PROCMAP_VG_LOGS (one file
# a run, empty when clean).  Only errors and definite leaks are logged.
#   sh tests/valgrind-cli.sh --summary DIR   checks the logs afterwards
if [ "${1:-}" = --summary ]; then
	runs=$(find "$2" -name 'vg.*.log' | wc -l)
	bad=$(find "$2" -name 'vg.*.log' -size +0c)
	if [ "$runs" -eq 0 ]; then
		echo "leakcheck: no CLI run was logged" >&2
		exit 1
	fi
	if [ -n "$bad" ]; then
		for f in $bad; do
			echo "== $f"
			cat "$f"
		done >&2
		echo "leakcheck: $(echo "$bad" | wc -l) of $runs CLI runs had memory errors or definite leaks" >&2
		exit 1
	fi
	echo "leakcheck: $runs CLI runs under valgrind: 0 errors, 0 bytes definitely lost"
	exit 0
fi
exec valgrind -q --tool=memcheck --leak-check=full --show-leak-kinds=definite \
	--suppressions="$(dirname "$0")/valgrind.supp" \
	--errors-for-leak-kinds=definite --track-fds=no \
	--log-file="$PROCMAP_VG_LOGS/vg.%p.log" "$PROCMAP_VG_BIN" "$@"
