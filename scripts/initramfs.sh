#!/bin/sh
# Pack the test initramfs: busybox, /init, the selftests named in a test
# list (with NAME.d beside a test NAME, if there is one: its data) and the
# list itself.
#
# usage: initramfs.sh OUT BUSYBOX SELFTEST_DIR TEST_LIST
set -eu
out=$1 busybox=$2 bin=$3 list=$4
root=$out.d
rm -rf "$root"
mkdir -p "$root/bin" "$root/kvm" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in sh mount dmesg sed grep cat date timeout poweroff reboot uname; do
	ln -s busybox "$root/bin/$applet"
done
cp scripts/init "$root/init"
# The VM that keeps the preempt notifiers' static key on (scripts/kvm_hold.c).
if [ -x "$bin/kvm_hold" ]; then
	cp "$bin/kvm_hold" "$root/bin/kvm_hold"
fi
grep '^[^#]' "$list" > "$root/tests.list"
while read -r name _; do
	mkdir -p "$(dirname "$root/kvm/$name")"
	cp "$bin/$name" "$root/kvm/$name"
	if [ -d "$bin/$name.d" ]; then
		cp -r "$bin/$name.d" "$root/kvm/$name.d"
	fi
done < "$root/tests.list"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$root"
