#!/bin/sh
# linux_guest - boot the arm64 test kernel as the Linux guest of linux_vmm,
# as a protected VM and as a default one, and check the guest's log (a
# kselftest-style test: TAP on stdout, exit status 0 on success).
#
# With -b PAIRS it only times the boot instead: PAIRS protected and
# default boots in turn, each pair's times on a "linux-bench:" line
# (scripts/bootratio.sh gives their ratio).
#
# Files in linux_guest.d beside this script: linux_vmm, Image, initrd.cpio.
d=$(dirname "$0")/linux_guest.d
cmdline="console=ttyAMA0 rdinit=/init panic=-1"
n=0 failed=0

result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

# check LOG PATTERN DESCRIPTION
check() {
	grep -q -e "$2" "$1"
	result $? "$3"
}

# The summary line's "<key> <number>" field
field() {
	sed -n "s/^linux-vmm: .*$2 \([0-9.]*\).*/\1/p" "$1"
}

# boot TYPE LOG: run the guest as a protected or a default VM
boot() {
	opt=
	[ "$1" = default ] && opt=-D
	"$d/linux_vmm" $opt -c 2 -t 120 "$d/Image" "$d/initrd.cpio" "$cmdline" > "$2" 2>&1
}

# When the guest's userspace started, in seconds
up() {
	sed -n 's/^linux-guest: userspace after \([0-9.]*\) s.*/\1/p' "$1"
}

usage() {
	echo "usage: linux_guest [-b PAIRS]" >&2
	exit 2
}
case ${1:-}:${2:-} in
: | -b:[0-9]*) ;;
*) usage ;;
esac
case ${2:-} in *[!0-9]*) usage ;; esac
echo "TAP version 13"
if [ "${1:-}" = -b ]; then
	pairs=$2 pair=0
	echo "1..$((2 * pairs))"
	while [ "$pair" -lt "$pairs" ]; do
		pair=$((pair + 1))
		for type in protected default; do
			boot $type /tmp/linux_guest.$type
			rc=$?
			[ -n "$(up /tmp/linux_guest.$type)" ] || rc=1
			[ "$rc" = 0 ] || sed 's/^/# /' /tmp/linux_guest.$type
			result $rc "$type: boot $pair powers off and says when userspace started"
		done
		echo "linux-bench: pair $pair: protected $(up /tmp/linux_guest.protected) s," \
		     "default $(up /tmp/linux_guest.default) s"
	done
	[ "$failed" = 0 ]
	exit
fi
echo "1..14"
# The device's checks first: bad rings and buffers stop it, a good one not.
"$d/linux_vmm" -T > /tmp/linux_guest.device 2>&1
result $? "the virtio console stops on each bad chain and serves a good one"
sed 's/^/# /' /tmp/linux_guest.device
for type in protected default; do
	log=/tmp/linux_guest.$type
	boot $type "$log"
	result $? "$type: the guest powers off and the VMM saw no bad input"
	sed 's/^/# /' "$log"
	check "$log" 'Reserved memory: created restricted DMA pool' \
		"$type: the guest uses the restricted DMA pool"
	check "$log" 'smp: Brought up 1 node, 2 CPUs' "$type: both vCPUs came up"
	check "$log" '^linux-guest: console round trip ok' \
		"$type: a line round-trips through the virtio console"
	check "$log" 'linux-guest: unshare test ok' \
		"$type: pages the guest shared and unshared kept their contents"
done
# The guest shares every page of the pool, at least.
shares=$(field /tmp/linux_guest.protected "MEM_SHARE")
pool=$(field /tmp/linux_guest.protected "DMA pool")
[ "${shares:-0}" -ge "${pool:-1}" ] && [ "${pool:-0}" -gt 0 ]
result $? "protected: the guest shared its DMA pool in place ($shares MEM_SHARE, $pool pages)"
# ... and unshares the 16 pages of unshare_test.ko.
unshares=$(field /tmp/linux_guest.protected "MEM_UNSHARE")
[ "${unshares:-0}" -ge 16 ]
result $? "protected: the guest unshared its test pages in place ($unshares MEM_UNSHARE)"
dshares=$(field /tmp/linux_guest.default "MEM_SHARE")
[ "${dshares:-1}" -eq 0 ]
result $? "default: no MEM_SHARE"
# What the guest measured: boot to userspace, and the console's throughput.
mibs() {
	sed -n 's/^linux-guest: console throughput \([0-9.]*\) MiB.*/\1/p' "$1"
}
hundredths() {
	echo "${1:-0}" | sed 's/^\([0-9]*\)\.\([0-9]\)$/\1\20/; s/\.//; s/^0*\([0-9]\)/\1/'
}
p=$(up /tmp/linux_guest.protected) q=$(up /tmp/linux_guest.default)
qh=$(hundredths "$q")
[ "$qh" -gt 0 ] || qh=1
ratio=$(( $(hundredths "$p") * 100 / qh ))
summary="protected VM: $shares pages shared and ${unshares:-?} unshared in place;"
summary="$summary userspace after ${p:-?} s, ${q:-?} s as a default VM"
summary="$summary (x$((ratio / 100)).$((ratio / 10 % 10))$((ratio % 10)));"
summary="$summary console $(mibs /tmp/linux_guest.protected) MiB/s,"
summary="$summary $(mibs /tmp/linux_guest.default) MiB/s as a default VM"
if [ "$failed" = 0 ]; then
	echo "linux-guest: PASS: $summary"
else
	echo "linux-guest: FAIL: $failed of $n checks failed; $summary"
fi
[ "$failed" = 0 ]
