# guest_memfd in-place sharing: rebuild the kernel tree from the pinned
# Debian base plus series/, build the test kernels and selftests, and run
# the kvm selftests in QEMU.  See README.md.

B      := build
TREE   := $(B)/linux
LEGS   ?= vhe nvhe protected protected-nvhe debug x86

# Kernel flavour and selftest arch each leg needs.
flavour = $(if $(filter x86,$(1)),x86_64,$(if $(filter debug,$(1)),arm64-debug,arm64))
arch    = $(if $(filter x86,$(1)),x86_64,arm64)
ARCHES   := $(sort $(foreach l,$(LEGS),$(call arch,$(l))))
# The arm64 test kernel is also the Linux guest of every arm64 leg.
FLAVOURS := $(sort $(foreach l,$(LEGS),$(call flavour,$(l))) \
		   $(if $(filter arm64,$(ARCHES)),arm64))

.PHONY: all deps tree export kernels selftests initramfs legs test check run bench bench-s2 bench-linux \
	stress clean

all: kernels

deps:
	sh scripts/deps.sh $(B)

# Reset the tree to base + series/ (keeps unexported work: see tree.sh).
tree: deps
	sh scripts/tree.sh $(TREE)

$(TREE)/.git:
	sh scripts/deps.sh $(B)
	sh scripts/tree.sh $(TREE)

# The tree's commits base..HEAD back into series/.
export:
	sh scripts/export.sh $(TREE)

kernels: $(TREE)/.git
	for f in $(FLAVOURS); do sh scripts/kernel.sh $(TREE) $(B) $$f || exit; done

selftests: kernels
	for a in $(ARCHES); do \
		sh scripts/selftests.sh $(TREE) $(B)/$$a $(B)/kselftest-$$a $$a tests/$$a.list || exit; \
	done

initramfs: selftests
	$(if $(filter arm64,$(ARCHES)),sh scripts/guest.sh $(B) $(B)/kselftest-arm64)
	$(if $(filter arm64,$(ARCHES)),sh scripts/initramfs.sh $(B)/initramfs-arm64.cpio \
		$(B)/busybox-arm64 $(B)/kselftest-arm64 tests/arm64.list)
	$(if $(filter x86_64,$(ARCHES)),sh scripts/initramfs.sh $(B)/initramfs-x86_64.cpio \
		/bin/busybox $(B)/kselftest-x86_64 tests/x86_64.list)

# Boot every leg of LEGS and give the verdict.
legs: initramfs
	rm -f $(B)/logs/*
	for l in $(LEGS); do sh scripts/boot.sh $$l $(B) || exit; done
	rc=0; sh scripts/verdict.sh tests/expected $(foreach l,$(LEGS),$(B)/logs/$(l).log) \
		> $(B)/logs/verdict.txt || rc=$$?; cat $(B)/logs/verdict.txt; exit $$rc

# checkpatch --strict on series/, and every prefix of the series builds.
check: $(TREE)/.git
	sh scripts/check.sh $(TREE) $(B)

# The whole test matrix: what CI runs.
test: deps check legs

# The demonstration: the demo VMM (demo/gmem_demo.c) and the guest_memfd
# selftests in protected mode.
run: deps $(TREE)/.git
	sh scripts/kernel.sh $(TREE) $(B) arm64
	sh scripts/selftests.sh $(TREE) $(B)/arm64 $(B)/kselftest-arm64 arm64 tests/demo.list
	sh scripts/cc.sh arm64 $(B)/arm64 $(B)/kselftest-arm64/gmem_demo demo/gmem_demo.c
	sh scripts/guest.sh $(B) $(B)/kselftest-arm64
	sh scripts/initramfs.sh $(B)/initramfs-demo.cpio $(B)/busybox-arm64 \
		$(B)/kselftest-arm64 tests/demo.list
	sh scripts/boot.sh demo $(B)
	grep -h -e 'kvm \[1\]' -e '^# \(gmem_demo\|setup\|step\|timing\|range\)' \
		-e '^# # \(\[\|linux-\)' -e '^# linux-guest:' $(B)/logs/demo.log | \
		sed 's/^# //; s/^# //'
	sh scripts/verdict.sh tests/expected $(B)/logs/demo.log

# The stage-2 fault benchmark (bench/s2_fault_bench.c): the same boot in
# kvm-arm.mode=nvhe and in classic nVHE protected mode, in turn, PAIRS
# times, so that a change in the machine's load hits both; then the ratio
# of each pair, and their spread.
PAIRS ?= 3
define s2_bench
	mkdir -p $(B)/bench
	sh scripts/cc.sh arm64 $(B)/arm64 $(B)/bench/s2_fault_bench bench/s2_fault_bench.c
	printf 's2_fault_bench\ns2_fault_bench -p\n' > $(B)/bench/s2-list
	sh scripts/initramfs.sh $(B)/initramfs-s2bench.cpio $(B)/busybox-arm64 \
		$(B)/bench $(B)/bench/s2-list
	for i in $$(seq $(PAIRS)); do \
		for leg in s2bench-nvhe s2bench-protected-nvhe; do \
			sh scripts/boot.sh $$leg $(B) && \
			cp $(B)/logs/$$leg.log $(B)/logs/$$leg.$$i.log || exit; \
		done; \
	done
	sh scripts/s2ratio.sh $$(for i in $$(seq $(PAIRS)); do \
		echo $(B)/logs/s2bench-nvhe.$$i.log $(B)/logs/s2bench-protected-nvhe.$$i.log; \
	done)
endef

# The benchmarks of README's performance section: gmem_bench in one VHE
# boot (4 GiB), then the stage-2 fault benchmark.
bench: deps $(TREE)/.git
	sh scripts/kernel.sh $(TREE) $(B) arm64
	mkdir -p $(B)/bench
	sh scripts/cc.sh arm64 $(B)/arm64 $(B)/bench/gmem_bench bench/gmem_bench.c
	echo gmem_bench > $(B)/bench/list
	sh scripts/initramfs.sh $(B)/initramfs-bench.cpio $(B)/busybox-arm64 \
		$(B)/bench $(B)/bench/list
	sh scripts/boot.sh bench $(B)
	grep '^# \(fault\|convert\|state\|goals\|error\)' $(B)/logs/bench.log
	$(s2_bench)

# The stage-2 fault benchmark alone.
bench-s2: deps $(TREE)/.git
	sh scripts/kernel.sh $(TREE) $(B) arm64
	$(s2_bench)

# The Linux guest's boot time, protected / default VM (goal <= 1.5): in
# one boot of each leg of BENCH_LEGS, PAIRS boots of the guest as a
# protected VM and as a default VM, in turn (demo/linux_guest.sh -b).
# Each leg's log is kept as logs/linux-bench-LEG.log.
BENCH_LEGS ?= vhe nvhe protected protected-nvhe
bench-linux: deps $(TREE)/.git
	sh scripts/kernel.sh $(TREE) $(B) arm64
	sh scripts/guest.sh $(B) $(B)/kselftest-arm64
	mkdir -p $(B)/bench
	echo "linux_guest -b $(PAIRS)" > $(B)/bench/linux-list
	sh scripts/initramfs.sh $(B)/initramfs-linuxbench.cpio $(B)/busybox-arm64 \
		$(B)/kselftest-arm64 $(B)/bench/linux-list
	for leg in $(BENCH_LEGS); do \
		INITRAMFS=$(B)/initramfs-linuxbench.cpio TEST_TIMEOUT=$$((60 * $(PAIRS) + 120)) \
			sh scripts/boot.sh $$leg $(B) && \
		cp $(B)/logs/$$leg.log $(B)/logs/linux-bench-$$leg.log || exit; \
	done
	sh scripts/bootratio.sh $(foreach l,$(BENCH_LEGS),$(B)/logs/linux-bench-$(l).log)

# One selftest N times in one boot of a leg, e.g.
#   make stress LEG=vhe TEST=stage2_remap_test N=500
#   make stress LEG=debug TEST=guest_memfd_race_test ARGS="-s 10" N=20
# See scripts/stress.sh.  Its last line is "N passed, N failed".
stress: deps $(TREE)/.git
	sh scripts/stress.sh $(LEG) $(B) $(TEST) $(N) $(ARGS)

clean:
	rm -rf $(B)/arm64 $(B)/arm64-debug $(B)/x86_64 $(B)/kselftest-* $(B)/initramfs-* $(B)/logs
