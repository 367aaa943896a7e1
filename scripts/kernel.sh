#!/bin/sh
# Configure (when a fragment changed) and build one kernel flavour,
# with ccache when present, and install its uAPI headers.
#
# usage: kernel.sh TREE BUILD FLAVOUR [TARGET...]   (objects in BUILD/FLAVOUR)
# FLAVOUR: arm64, arm64-debug or x86_64; TARGET: default the image and
# the uAPI headers, or e.g. "kvm" for the KVM objects alone.
set -eu
tree=$1 obj=$(mkdir -p "$2/$3" && cd "$2/$3" && pwd) flavour=$3
shift 3
case $flavour in
arm64)       arch=arm64 cross=aarch64-linux-gnu- image=Image set="arm64 guest" ;;
arm64-debug) arch=arm64 cross=aarch64-linux-gnu- image=Image set="arm64 debug" ;;
x86_64)      arch=x86_64 cross= image=bzImage set="x86_64" ;;
*) echo "kernel.sh: unknown flavour $flavour" >&2; exit 1 ;;
esac
frags=config/common.config
for f in $set; do frags="$frags config/$f.config"; done

cc=${cross}gcc
if command -v ccache > /dev/null; then
	cc="ccache $cc"
	export CCACHE_BASEDIR="${obj%/*}"
fi
export ARCH=$arch CROSS_COMPILE=$cross

# Configure again when the fragments changed, or when the tree now defines
# an option of theirs that .config lacks (check.sh builds every prefix).
# shellcheck disable=SC2086 # frags are words
if [ ! -f "$obj/.config" ] || ! cat $frags | cmp -s - "$obj/fragment.config" ||
   [ -n "$(sh scripts/config.sh -n "$tree" "$obj")" ]; then
	sh scripts/config.sh "$tree" "$obj" "$arch" $frags
fi
[ $# -gt 0 ] || set -- "$image" headers_install
[ "$*" != kvm ] || set -- "arch/${arch%_64}/kvm/"
make -s -C "$tree" O="$obj" CC="$cc" -j"$(($(nproc) + 1))" "$@"
