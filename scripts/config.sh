#!/bin/sh
# Configure a kernel build directory: allnoconfig plus config fragments,
# then check that every fragment line took effect (a missing dependency
# or a typo would otherwise drop it silently).
#
# usage: config.sh TREE OBJDIR ARCH FRAGMENT...
set -eu
tree=$1 obj=$2 arch=$3
shift 3
mkdir -p "$obj"
cat "$@" > "$obj/fragment.config"
make -s -C "$tree" O="$(cd "$obj" && pwd)" ARCH="$arch" \
	KCONFIG_ALLCONFIG="$(cd "$obj" && pwd)/fragment.config" allnoconfig
bad=0
for line in $(grep '^CONFIG_' "$obj/fragment.config"); do
	if ! grep -qx "$line" "$obj/.config"; then
		echo "config.sh: $line did not take effect" >&2
		bad=1
	fi
done
exit $bad
