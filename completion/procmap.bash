# procmap(1) completion for bash                          -*- shell-script -*-
#
# Completes subcommands, the options of each, option values (rule names and
# levels for --rule NAME=LEVEL, report and diagram formats, --fail-on
# levels, colours) and input files by extension (.pmap, .yaml, .yml; .md
# for procmap md).
# Needs nothing from the bash-completion package.  Installed as
# $(datadir)/bash-completion/completions/procmap; or `source` this file.
# tests/test_completion.c keeps the lists below in step with the CLI.

_procmap_commands="check diff render report md serve fmt convert rules lsp help"

# The analysis rules that --rule can set (the rules with analysis = 1 in
# src/rules.c).
_procmap_rules="orphan-process unreachable-process disconnected-step
step-cycle rework-loop handoff-cycle bottleneck-step long-wait wide-join
overloaded-person missing-rate missing-owner missing-duration empty-system
empty-process unused-person unused-actor unused-tool"

_procmap_levels="off info warning error"

# The options of a command (long and short).
_procmap_options()
{
	case $1 in
	check) echo "-f --format -o --output --rule --config --no-config --fail-on --baseline
	             --input-format --color -h --help" ;;
	diff) echo "-f --format -o --output --rule --config --no-config --input-format
	            --fail-on-new --color -h --help" ;;
	render) echo "-o --output -l --level -f --format -j --jobs --max-nodes
	              --direction --theme --scale --diff -q --quiet --rule --config --no-config --input-format -h --help" ;;
	report) echo "-o --output --format --assets -l --level -j --jobs --max-nodes
	              --direction --theme -q --quiet --rule --config --no-config --input-format -h --help" ;;
	md) echo "-o --output -w --write --assets --keep-source --check --color --rule
	          --config --no-config --input-format -h --help" ;;
	serve) echo "-p --port --host --open --rule --config --no-config
	             --input-format -h --help" ;;
	fmt) echo "-w --write --check --color -h --help" ;;
	convert) echo "-t --to -o --output --input-format --color -h --help" ;;
	rules) echo "-f --format -h --help" ;;
	lsp) echo "--stdio -h --help" ;;
	esac
}

# The values an option takes; "FILE" for a file name, "" when it takes none.
_procmap_values()
{
	case $1:$2 in
	check:-f | check:--format) echo "text json sarif markdown" ;;
	render:-f | render:--format) echo FORMATS ;;
	rules:-f | rules:--format) echo "text json" ;;
	diff:-f | diff:--format) echo "text json markdown" ;;
	render:-o | render:--output) echo DIR ;;
	report:--format) echo "html markdown" ;;
	report:--assets) echo DIR ;;
	md:-o | md:--output) echo MARKDOWN ;;
	md:--assets) echo DIR ;;
	*:-l | *:--level) echo "forest system process all" ;;
	*:-j | *:--jobs | *:--max-nodes | *:--scale | *:-p | *:--port) echo NUMBER ;;
	render:--direction | report:--direction) echo "TB LR" ;;
	render:--theme | report:--theme) echo "auto light dark" ;;
	*:--host) echo HOST ;;
	*:--rule) echo RULE ;;
	*:--fail-on | *:--fail-on-new) echo "error warning info" ;;
	*:--input-format) echo "auto pmap yaml" ;;
	*:--color) echo "auto always never" ;;
	*:-t | *:--to) echo "pmap yaml" ;;
	*:--config) echo CONFIG ;;
	*:--baseline) echo BASELINE ;;
	render:--diff) echo FILE ;;
	*:-o | *:--output) echo FILE ;;
	esac
}

# Offers the candidates that extend the whole word under the cursor.
# Readline replaces only the text after the word's last '=' or ':' (both
# break words for it), so that much is cut off each candidate.
_procmap_offer()
{
	local word=$1 keep c
	shift
	keep=${word%"${word##*[=:]}"}
	for c in "$@"; do
		[[ $c == "$word"* ]] && COMPREPLY+=("${c#"$keep"}")
	done
}

# Files with one of the extensions given, and folders to look into; hidden
# ones only when the name typed so far starts with a dot.
_procmap_files()
{
	local cur=$1 ext f
	shift
	compopt -o filenames 2>/dev/null
	local IFS=$'\n'
	for ext in "$@"; do
		for f in $(compgen -f -X "!*.$ext" -- "$cur"); do
			[[ ! -d $f ]] && _procmap_visible "$cur" "$f" && COMPREPLY+=("$f")
		done
	done
	for f in $(compgen -d -- "$cur"); do
		_procmap_visible "$cur" "$f" && COMPREPLY+=("$f")
	done
}

_procmap_visible()
{
	[[ ${2##*/} != .* || ${1##*/} == .* ]]
}

# Completes the value `word` of option `opt` of command `cmd`; `pre` is what
# comes before the value in the word ("--rule=" for --rule=NAME=LEVEL).
_procmap_value()
{
	local cmd=$1 opt=$2 pre=$3 word=$4 kind r l
	kind=$(_procmap_values "$cmd" "$opt")
	case $kind in
	RULE)
		if [[ $word == *=* ]]; then
			local -a levels=()
			for l in $_procmap_levels; do
				levels+=("$pre${word%%=*}=$l")
			done
			_procmap_offer "$pre$word" "${levels[@]}"
		else
			local -a names=()
			for r in $_procmap_rules; do
				names+=("$pre$r=")
			done
			_procmap_offer "$pre$word" "${names[@]}"
			compopt -o nospace 2>/dev/null
		fi ;;
	CONFIG) _procmap_files "$word" yaml yml ;;
	MARKDOWN) _procmap_files "$word" md markdown ;;
	BASELINE) _procmap_files "$word" json sarif ;;
	FILE) compopt -o filenames 2>/dev/null
	      local IFS=$'\n'
	      COMPREPLY+=($(compgen -f -- "$word")) ;;
	DIR) compopt -o filenames 2>/dev/null
	     local IFS=$'\n'
	     COMPREPLY+=($(compgen -d -- "$word")) ;;
	FORMATS)
		# a comma-separated list: complete its last element
		local done=""
		[[ $word == *,* ]] && done=${word%,*},
		local -a fmts=()
		for l in svg png pdf dot; do
			[[ ,$done == *,$l,* ]] || fmts+=("$pre$done$l")
		done
		_procmap_offer "$pre$word" "${fmts[@]}" ;;
	NUMBER | HOST) ;;
	*)
		local -a vals=()
		for l in $kind; do
			vals+=("$pre$l")
		done
		_procmap_offer "$pre$word" "${vals[@]}" ;;
	esac
}

_procmap()
{
	COMPREPLY=()
	# Words split on blanks only, up to the cursor: '=' stays inside.
	local line=${COMP_LINE:0:COMP_POINT} word=""
	local -a w
	read -ra w <<<"$line"
	if [[ $line != *[[:space:]] && ${#w[@]} -gt 0 ]]; then
		word=${w[${#w[@]}-1]}
		unset "w[${#w[@]}-1]"
	fi
	local n=${#w[@]}
	if ((n <= 1)); then
		if [[ $word == -* ]]; then
			_procmap_offer "$word" --help --version
		else
			_procmap_offer "$word" $_procmap_commands
		fi
		return 0
	fi
	local cmd=${w[1]} prev=${w[n-1]}
	if [[ $cmd == help ]]; then
		((n == 2)) && _procmap_offer "$word" $_procmap_commands
		return 0
	fi
	local opts
	opts=$(_procmap_options "$cmd") || return 0
	[[ -n $opts ]] || return 0
	# the value of the option before: --format json, -o FILE
	local i only_files=0
	for ((i = 2; i < n; i++)); do
		[[ ${w[i]} == -- ]] && only_files=1
	done
	if ((!only_files)) && [[ $prev == -* && -n $(_procmap_values "$cmd" "$prev") ]] &&
	   [[ " $(echo $opts) " == *" $prev "* ]]; then
		_procmap_value "$cmd" "$prev" "" "$word"
		return 0
	fi
	# --option=value
	if ((!only_files)) && [[ $word == --*=* ]]; then
		_procmap_value "$cmd" "${word%%=*}" "${word%%=*}=" "${word#*=}"
		return 0
	fi
	if ((!only_files)) && [[ $word == -* ]]; then
		_procmap_offer "$word" $opts
		return 0
	fi
	case $cmd in
	rules | lsp) ;;   # no files
	diff) # files, folders, and git revisions (branches and tags)
	      _procmap_files "$word" pmap yaml yml
	      if [[ $word != -* ]] && git rev-parse --git-dir >/dev/null 2>&1; then
	          local r
	          for r in HEAD $(git for-each-ref --format='%(refname:short)' \
	                          refs/heads refs/tags 2>/dev/null); do
	              [[ $r == "$word"* ]] && COMPREPLY+=("$r")
	          done
	      fi ;;
	fmt) _procmap_files "$word" pmap ;;
	md) _procmap_files "$word" md markdown ;;
	*) _procmap_files "$word" pmap yaml yml ;;
	esac
	return 0
}

complete -F _procmap procmap
