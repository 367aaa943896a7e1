#!/bin/sh
# Put together the Linux guest test (tests/arm64.list: linux_guest) in a
# selftest directory: the script (demo/linux_guest.sh) and, in
# linux_guest.d, the VMM (demo/linux_vmm.c, static), the guest's kernel
# (the arm64 test kernel, which config/guest.config makes a guest too) and
# its initramfs (busybox, demo/linux-guest/init and the unshare_test
# module, built against that kernel).
#
# usage: guest.sh BUILD SELFTEST_DIR
set -eu
b=$1 out=$2/linux_guest.d
root=$out/initrd.d mod=$(mkdir -p "$b/guest-module" && cd "$b/guest-module" && pwd)
mkdir -p "$out"
cp demo/linux-guest/Kbuild demo/linux-guest/unshare_test.c "$mod"
sh scripts/kernel.sh "$b/linux" "$b" arm64 modules
sh scripts/kernel.sh "$b/linux" "$b" arm64 M="$mod" modules
sh scripts/cc.sh arm64 "$b/arm64" "$out/linux_vmm" demo/linux_vmm.c -pthread
cp "$b/arm64/arch/arm64/boot/Image" "$out/Image"
cp demo/linux_guest.sh "$2/linux_guest"
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
cp "$b/busybox-arm64" "$root/bin/busybox"
for applet in sh mount nproc stty poweroff insmod dd; do
	ln -s busybox "$root/bin/$applet"
done
cp demo/linux-guest/init "$root/init"
cp "$mod/unshare_test.ko" "$root/unshare_test.ko"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$out/initrd.cpio"
rm -rf "$root"
