#!/bin/sh
# Build, statically linked, the kvm selftests that a test list names, and
# scripts/kvm_hold.c.
#
# usage: selftests.sh TREE KERNEL_OBJDIR OUT ARCH TEST_LIST
set -eu
tree=$1 hdr=$(cd "$2" && pwd)/usr/include out=$(mkdir -p "$3" && cd "$3" && pwd)
arch=$4 list=$5
case $arch in
arm64) cross=aarch64-linux-gnu- ;;
x86_64) cross= ;;
esac
src=$tree/tools/testing/selftests/kvm
# Names without a source there (the demo VMM) are built elsewhere.
targets=$(grep '^[^#]' "$list" | while read -r name _; do
	[ ! -e "$src/$name.c" ] || echo "$out/$name"
done)
# shellcheck disable=SC2086 # targets are words
make -s -C "$src" -j"$(($(nproc) + 1))" \
	ARCH="$arch" CROSS_COMPILE="$cross" OUTPUT="$out" \
	KHDR_INCLUDES="-isystem $hdr" EXTRA_CFLAGS=-static LDFLAGS=-static \
	$targets
# The VM that scripts/init keeps alive while the tests run (kvm_hold.c).
sh scripts/cc.sh "$arch" "$2" "$out/kvm_hold" scripts/kvm_hold.c
