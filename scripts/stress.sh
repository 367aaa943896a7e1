#!/bin/sh
# Run one kvm selftest N times in a row in one boot of a leg, and say how
# many runs passed.  Each failed run is printed with its output and what
# the kernel logged while it ran.  A guest kernel that stops making
# progress (the console silent for twice the per-test timeout) is stopped
# and counted as failing every run it did not finish, with its last lines.
#
# usage: stress.sh LEG BUILD TEST N [ARGS...]
# The last line is "N passed, N failed"; the exit status is 0 when every
# run passed.
set -eu
leg=$1 b=$2 test=$3 n=$4
shift 4
case $leg in
x86)	arch=x86_64 flavour=x86_64 busybox=/bin/busybox ;;
debug)	arch=arm64 flavour=arm64-debug busybox=$b/busybox-arm64 ;;
*)	arch=arm64 flavour=arm64 busybox=$b/busybox-arm64 ;;
esac
limit=${TEST_TIMEOUT:-300}
dir=$b/stress log=$b/logs/$leg.log
mkdir -p "$dir" "$b/logs"

i=0
: > "$dir/list"
while [ $i -lt "$n" ]; do
	echo "$test $*" >> "$dir/list"
	i=$((i + 1))
done
sh scripts/kernel.sh "$b/linux" "$b" "$flavour"
sh scripts/selftests.sh "$b/linux" "$b/$flavour" "$b/kselftest-$arch" "$arch" "$dir/list"
sh scripts/initramfs.sh "$dir/initramfs.cpio" "$busybox" "$b/kselftest-$arch" "$dir/list"

# Stop the QEMU of this boot, and the timeout(1) that runs it: the
# processes whose command line names this initramfs (no procps needed).
stop_qemu() {
	for p in /proc/[0-9]*; do
		case $(tr '\0' ' ' 2> /dev/null < "$p/cmdline") in
		*"-initrd $dir/initramfs.cpio"*) kill "${p#/proc/}" 2> /dev/null || true ;;
		esac
	done
}

rm -f "$log"
INITRAMFS=$dir/initramfs.cpio BOOT_TIMEOUT=$((n * limit + 600)) \
	sh scripts/boot.sh "$leg" "$b" &
boot=$!
# The watchdog: the console must say something every 2 x the test timeout.
last=-1 idle=0 stalled=0
while kill -0 "$boot" 2> /dev/null; do
	sleep 5
	size=$(wc -c < "$log" 2> /dev/null || echo 0)
	if [ "$size" -ne "$last" ]; then
		last=$size idle=0
	else
		idle=$((idle + 5))
	fi
	if [ "$idle" -ge $((2 * limit)) ]; then
		stalled=1
		stop_qemu
		break
	fi
done
wait "$boot" || true

awk -v n="$n" -v stalled="$stalled" -v limit="$limit" '
/^# selftests: kvm: / { block = ""; inblock = 1 }
inblock { block = block $0 "\n" }
/^ok [0-9]+ / { passed++; inblock = 0 }
/^not ok [0-9]+ / {
	failed++; inblock = 0
	printf "FAILED run %d:\n%s\n", $3, block
}
{ tail[NR % 40] = $0 }
END {
	if (stalled == 1 || passed + failed < n) {
		printf "STOPPED after %d of %d runs%s; the last lines:\n", passed + failed, n,
		       stalled == 1 ? " (no output for " 2 * limit " s)" : ""
		for (i = NR - 39; i <= NR; i++)
			if (i > 0) print tail[i % 40]
		failed = n - passed
	}
	printf "%d passed, %d failed\n", passed, failed
	exit failed > 0
}' "$log"
