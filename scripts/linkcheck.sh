#!/bin/sh
# linkcheck.sh — render a sample and check index.html the way a reader meets
# it: from file:// in headless Chromium, with no network.
#   scripts/linkcheck.sh PROCMAP_BIN MODEL [OUTDIR]
# Checks: every href/xlink:href in index.html and in every SVG names a file
# that exists in OUTDIR (no scheme, no '..', no '/'); Chromium loads the page
# and its DOM has the forest <object>; and a screenshot of the page shows the
# forest painted (scripts/pngcount.py counts the pixels of the process-box
# and cluster fills, colours nothing else on the page uses: the DOM can be
# whole while the browser refuses to paint the SVG).  LINKCHECK_SCREENSHOT=
# FILE keeps the screenshot.  Exit 0 all good, 1 a check failed, 77 Chromium is not
# installed (the test suite then skips).
set -eu
bin=$1
model=$2
out=${3:-$(mktemp -d)}

"$bin" render -o "$out" "$model" >/dev/null 2>&1 || { echo "linkcheck: render failed" >&2; exit 1; }

fail=0
for f in "$out"/index.html "$out"/*.svg; do
	for href in $(grep -oE '(xlink:)?href="[^"]*"' "$f" | sed -E 's/^(xlink:)?href="//; s/"$//' | sort -u); do
		case $href in
		'#'*)
			# a fragment: an element of index.html (the audit page's own)
			id=${href#\#}
			grep -qF "id=\"$id\"" "$out/index.html" \
				|| grep -qF "id=\"$(printf %s "$id" | sed 's/-/\&#45;/g')\"" "$out/index.html" \
				|| { echo "linkcheck: $(basename "$f"): no element '$href'" >&2; fail=1; } ;;
		*:* | */* | *..*) echo "linkcheck: $(basename "$f"): unsafe link '$href'" >&2; fail=1 ;;
		*) [ -f "$out/$href" ] || { echo "linkcheck: $(basename "$f"): broken link '$href'" >&2; fail=1; } ;;
		esac
	done
	# index.html has panzoom.js inline (allowed by its hash), the SVGs none
	scripts=$(grep -oi '<script' "$f" | wc -l)
	[ "$(basename "$f")" = index.html ] && scripts=$((scripts - 1))
	if [ "$scripts" -gt 0 ]; then
		echo "linkcheck: $(basename "$f"): has a script" >&2
		fail=1
	fi
done
[ $fail -eq 0 ] || exit 1

chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
	echo "linkcheck: links fine; chromium not installed, page not loaded" >&2
	exit 77
fi
profile=$(mktemp -d)
dom=$(timeout 60 "$chrome" --headless --no-sandbox --disable-gpu \
	--disable-background-networking --disable-component-update --disable-sync \
	--no-first-run --user-data-dir="$profile" --dump-dom "file://$out/index.html" 2>/dev/null || true)
shot=${LINKCHECK_SCREENSHOT:-$profile/shot.png}
timeout 60 "$chrome" --headless --no-sandbox --disable-gpu --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$profile" --window-size=1280,1600 \
	--screenshot="$shot" "file://$out/index.html" >/dev/null 2>&1 || true
if ! painted=$(python3 "$(dirname "$0")/pngcount.py" "$shot" DDEEF8 F2F2F2 2>&1); then
	rm -rf "$profile"
	echo "linkcheck: cannot read Chromium's screenshot: $painted" >&2
	exit 1
fi
rm -rf "$profile"
case $dom in
*'<section class="diagram forest" id="d-forest">'*'<div class="pz">'*) ;;
*) echo "linkcheck: chromium did not load the page with its forest diagram" >&2; exit 1 ;;
esac
case $dom in
*'<h2>Systems</h2>'*) ;;
*) echo "linkcheck: the page has no list of systems" >&2; exit 1 ;;
esac
if [ "$painted" -lt 1000 ]; then
	echo "linkcheck: the screenshot shows no forest diagram ($painted pixels of its fills)" >&2
	exit 1
fi
echo "linkcheck: ok ($out; forest painted, $painted pixels of its fills)"
