#!/bin/sh
# Boot one leg of the test matrix in QEMU (TCG) and keep its console log.
# The log ends with a "# kvmtest: kvm-mode" line saying whether KVM
# initialised in the mode the leg asks for.
#
# usage: boot.sh LEG BUILD     (log in BUILD/logs/LEG.log)
# Environment: TEST_TIMEOUT (per test, s), BOOT_TIMEOUT (s), QEMU_MEM,
# INITRAMFS (instead of the leg's).
set -eu
leg=$1 b=$2 log=$2/logs/$1.log
limit=${TEST_TIMEOUT:-300}	# per test, enforced inside the guest
boot_limit=${BOOT_TIMEOUT:-1200}	# whole boot, enforced here
mem=${QEMU_MEM:-2G}
# exception-trace: a test killed by a fault signal leaves the PC and the
# faulting address in the kernel log.
common="panic=-1 quiet kvmtest.timeout=$limit rcupdate.rcu_cpu_stall_suppress=1 nowatchdog"
common="$common sysctl.debug.exception-trace=1"

# Each leg in one line: its KVM mode arguments, the kernel line that says
# KVM started in that mode, and what differs from the defaults (kernel
# flavour, initramfs, memory, extra arguments: the debug leg, with KASAN
# and lockdep, fuzzes longest, see scripts/init).
vhe_ok='kvm [1]: VHE mode initialized successfully'
nvhe_ok='Hyp nVHE mode initialized successfully'
hvhe_ok='Protected hVHE mode initialized successfully'
pnvhe_ok='Protected nVHE mode initialized successfully'
nvhe='kvm-arm.mode=nvhe' hvhe='kvm-arm.mode=protected'
pnvhe='kvm-arm.mode=protected id_aa64mmfr1.vh=0 arm64_sw.hvhe=0'
flavour=arm64 initramfs=initramfs-arm64.cpio extra=
case $leg in
vhe)		mode= want=$vhe_ok ;;
debug)		mode= want=$vhe_ok flavour=arm64-debug extra=kvmtest.fuzz=150 ;;
bench)		mode= want=$vhe_ok initramfs=initramfs-bench.cpio \
		mem=${QEMU_MEM:-4G} ;;
nvhe)		mode=$nvhe want=$nvhe_ok ;;
s2bench-nvhe)	mode=$nvhe want=$nvhe_ok initramfs=initramfs-s2bench.cpio ;;
protected)	mode=$hvhe want=$hvhe_ok ;;
demo)		mode=$hvhe want=$hvhe_ok initramfs=initramfs-demo.cpio ;;
protected-nvhe)	mode=$pnvhe want=$pnvhe_ok ;;
s2bench-protected-nvhe)
		mode=$pnvhe want=$pnvhe_ok initramfs=initramfs-s2bench.cpio ;;
x86)		mode= want='kvm_amd: Nested Paging enabled' flavour=x86_64 \
		initramfs=initramfs-x86_64.cpio ;;
*)		echo "boot.sh: unknown leg $leg" >&2; exit 1 ;;
esac
common="$common${extra:+ $extra}"
kernel=$b/$flavour/arch/arm64/boot/Image initramfs=$b/$initramfs
if [ "$leg" = x86 ]; then
	kernel=$b/x86_64/arch/x86/boot/bzImage
	# Without ACPI there is no HPET or PM timer to calibrate the TSC
	# against, and calibrating against the PIT fails when TCG runs
	# slowly: KVM then has no TSC frequency.  TCG's TSC is the host's.
	khz=$(awk '/^cpu MHz/ { printf "%d", $4 * 1000; exit }' /proc/cpuinfo)
	set -- qemu-system-x86_64 -accel tcg -cpu max -m "$mem" \
		-append "console=ttyS0 $common $mode tsc_early_khz=${khz:-2000000}"
else
	set -- qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 \
		-cpu max,pauth-impdef=on -m "$mem" \
		-append "console=ttyAMA0 $common $mode"
fi
# A leg's own initramfs, unless the caller brings one (scripts/stress.sh).
initramfs=${INITRAMFS:-$initramfs}
mkdir -p "$b/logs"
rc=0
echo "  BOOT    $leg"
timeout "$boot_limit" "$@" -smp 2 -nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$initramfs" < /dev/null > "$log" 2>&1 || rc=$?
[ $rc -eq 124 ] && echo "# kvmtest: boot timed out after ${boot_limit}s" >> "$log"
# In protected mode the hypervisor of the test kernels (PKVM_SELFTESTS)
# tests its page ownership transitions as it starts: KVM is up as it
# should be only once that has passed too.
selftest=
case $mode in
*protected*) selftest='pKVM ownership self-test: PASS' ;;
esac
missing=
for line in "$want" ${selftest:+"$selftest"}; do
	grep -qF "$line" "$log" || { missing=$line; break; }
done
if [ -n "$missing" ]; then
	echo "# kvmtest: kvm-mode wrong: no '$missing' in the kernel log" >> "$log"
else
	echo "# kvmtest: kvm-mode ok: $want" >> "$log"
fi
