#!/bin/sh
# Put together the Linux guest test (tests/arm64.list: linux_guest) in a
# selftest directory: the script (demo/linux_guest.sh) and, in
# linux_guest.d, the VMM (demo/linux_vmm.c, static), the guest's kernel
# (the arm64 test kernel, which config/guest.config makes a guest too) and
# its initramfs (busybox and demo/linux-guest/init).
#
# usage: guest.sh BUILD SELFTEST_DIR
set -eu
b=$1 out=$2/linux_guest.d
root=$out/initrd.d
mkdir -p "$out"
aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -pthread -I "$b/arm64/usr/include" \
	-o "$out/linux_vmm" demo/linux_vmm.c
cp "$b/arm64/arch/arm64/boot/Image" "$out/Image"
cp demo/linux_guest.sh "$2/linux_guest"
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
cp "$b/busybox-arm64" "$root/bin/busybox"
for applet in sh mount nproc stty poweroff; do
	ln -s busybox "$root/bin/$applet"
done
cp demo/linux-guest/init "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$out/initrd.cpio"
rm -rf "$root"
