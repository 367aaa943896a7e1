#!/bin/sh
# The one recipe for the harness's own programs (the demo VMMs, the
# benchmarks, the VM holder): static, warnings on, against the uAPI
# headers of a kernel build.
#
# usage: cc.sh ARCH KERNEL_OBJDIR OUT SOURCE [CFLAGS...]
set -eu
arch=$1 hdr=$2/usr/include out=$3 src=$4
shift 4
case $arch in
arm64) cc=aarch64-linux-gnu-gcc ;;
x86_64) cc=gcc ;;
*) echo "cc.sh: unknown arch $arch" >&2; exit 1 ;;
esac
exec "$cc" -static -O2 -Wall -Wextra -isystem "$hdr" "$@" -o "$out" "$src"
