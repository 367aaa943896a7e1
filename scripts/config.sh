#!/bin/sh
# Configure a kernel build directory: allnoconfig plus config fragments,
# then check that every fragment line took effect (a missing dependency
# or a typo would otherwise drop it silently).  An option that the tree
# does not define at all is let through: a prefix of the series may come
# before the patch that adds it.
#
# usage: config.sh TREE OBJDIR ARCH FRAGMENT...   configure, then check
#        config.sh -n TREE OBJDIR                  print the lines missing
set -eu
only_print=
if [ "$1" = -n ]; then
	only_print=1
	shift
fi
tree=$1 obj=$2

# The lines of the fragments missing from .config, for options the tree
# defines.
missing() {
	grep -rhoE --include='Kconfig*' '^[[:space:]]*(menu)?config [A-Za-z0-9_]+' \
		"$tree" | awk '{ print "CONFIG_" $2 }' | sort -u > "$obj/kconfig.symbols"
	grep '^CONFIG_' "$obj/fragment.config" | while read -r line; do
		grep -qx "$line" "$obj/.config" ||
			! grep -qx "${line%%=*}" "$obj/kconfig.symbols" ||
			echo "$line"
	done
}

if [ -n "$only_print" ]; then
	missing
	exit 0
fi

arch=$3
shift 3
mkdir -p "$obj"
cat "$@" > "$obj/fragment.config"
make -s -C "$tree" O="$(cd "$obj" && pwd)" ARCH="$arch" \
	KCONFIG_ALLCONFIG="$(cd "$obj" && pwd)/fragment.config" allnoconfig
bad=$(missing)
[ -z "$bad" ] || printf 'config.sh: %s did not take effect\n' $bad >&2
[ -z "$bad" ]
