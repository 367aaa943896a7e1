// SPDX-License-Identifier: GPL-2.0
/*
 * s2_fault_bench - arm64 stage-2 fault throughput
 *
 * A default (non-protected) VM with one vCPU and an N MiB memslot of
 * ordinary anonymous memory (MADV_NOHUGEPAGE: 4 KiB pages only, so KVM maps
 * it page by page).  The guest writes one word into each page of the
 * memslot and then rings a doorbell (a store to an address without a
 * memslot, which exits as KVM_EXIT_MMIO); each of its writes is a stage-2
 * fault.  The host times KVM_RUN, from entering the guest to the doorbell
 * exit, and checks that every page holds what the guest wrote.  Before each
 * round the host drops the whole memslot with MADV_DONTNEED, which also
 * clears the guest's stage-2, so every round faults on every page again.
 *
 * Two kinds of rounds, -r of each, alternating; the median of each is
 * printed in ns per fault and faults per second, with the best and the
 * worst round (a busy host only ever slows a round down):
 *
 *  fresh:     the host has not touched the pages since dropping them: each
 *             fault allocates and zeroes a host page, then maps it.
 *  populated: the host wrote every page after dropping them: each fault
 *             only looks the page up and maps it at stage-2.
 *
 * With -p, one kind instead, in a new VM each round:
 *
 *  private:   a KVM_VM_TYPE_ARM_PROTECTED VM whose memslot is a guest_memfd
 *             that starts private: each fault allocates and zeroes a page
 *             of the guest_memfd, which in kvm-arm.mode=protected the host
 *             then gives to the guest at EL2.  The host can't read the
 *             pages back, so only the doorbell is checked.
 *
 * Run it once per KVM mode (kvm-arm.mode=nvhe, kvm-arm.mode=protected):
 * under TCG only the ratio between the modes means anything.  The lines
 * "s2: fresh: median N ns/fault, ...; best N ns/fault, worst N ns/fault"
 * and the same for "populated" are what scripts/s2ratio.sh reads.  Exit
 * status 0 when every round ran and checked out; otherwise it says why and
 * exits with 1 (2 for a bad option).
 *
 * usage: s2_fault_bench [-p] [-m MiB (16)] [-r rounds of each kind (9)]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#include "bench_util.h"

#define MIB		(1UL << 20)
#define MAX_ROUNDS	64
#define CODE_IPA	0x40000000UL
#define MEM_IPA		0x80000000UL
#define DOORBELL_IPA	0x10000000UL
/* ARM_SMCCC_VENDOR_HYP_KVM_MMIO_GUARD_FUNC_ID of include/linux/arm-smccc.h */
#define MMIO_GUARD_FUNC_ID	0xc6000007UL
#define TIMEOUT_S	600

/*
 * The guest: EL1, MMU off (its data accesses are Device-nGnRnE, so they
 * must be aligned, which they are).  The VMM passes x19 the doorbell, x20
 * the memslot, x21 its page count, x22 the page size, x23 MMIO_GUARD's
 * function ID.  The guest declares the doorbell MMIO, as a protected guest
 * must for the host to see its stores there.  Each page gets its own IPA
 * in its first word.  After the doorbell the guest starts over, for the
 * next round.
 */
asm("	.pushsection .rodata.guest, \"a\"\n"
"	.balign	8\n"
"	.globl	guest_start, guest_end\n"
"guest_start:\n"
"	mov	x0, x23; mov x1, x19; mov x2, xzr; mov x3, xzr; hvc #0\n"
"1:	mov	x5, x20\n"
"	mov	x6, x21\n"
"2:	str	x5, [x5]\n"
"	add	x5, x5, x22\n"
"	subs	x6, x6, #1\n"
"	b.ne	2b\n"
"	str	xzr, [x19]\n"
"	b	1b\n"
"guest_end:\n"
"	.popsection\n");
extern const char guest_start[], guest_end[];

enum kind { FRESH, POPULATED, PRIVATE, NR_KINDS };
static const char * const kind_name[NR_KINDS] = { "fresh", "populated", "private" };

static int kvm_fd, vm_fd, vcpu_fd, gmem_fd = -1;
static struct kvm_run *run;
static uint8_t *code, *mem;
static size_t page, mem_size, run_size;
static unsigned long nr_pages;

static void die(const char *what)
{
	printf("error: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *map_anon(size_t size, const char *what)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die(what);
	/* 4 KiB pages only: one stage-2 fault per page, never a block. */
	if (madvise(p, size, MADV_NOHUGEPAGE) && errno != EINVAL)
		die("madvise(MADV_NOHUGEPAGE)");
	return p;
}

static void add_slot(uint32_t slot, uint64_t ipa, void *hva, size_t size,
		     int gmem)
{
	struct kvm_userspace_memory_region2 r = {
		.slot = slot,
		.flags = gmem >= 0 ? KVM_MEM_GUEST_MEMFD : 0,
		.guest_phys_addr = ipa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
		.guest_memfd = gmem >= 0 ? gmem : 0,
	};

	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION2, &r))
		die("KVM_SET_USER_MEMORY_REGION2");
}

/* A guest_memfd of the memslot's size, private from the start, and mapped. */
static void *map_gmem(void)
{
	struct kvm_create_guest_memfd args = {
		.size = mem_size,
		.flags = GUEST_MEMFD_FLAG_MMAP,
	};
	void *p;

	gmem_fd = ioctl(vm_fd, KVM_CREATE_GUEST_MEMFD, &args);
	if (gmem_fd < 0)
		die("KVM_CREATE_GUEST_MEMFD");
	p = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, gmem_fd, 0);
	if (p == MAP_FAILED)
		die("mmap(guest_memfd)");
	return p;
}

#define CORE_REG(r)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(regs.r))

/* The VM, its memory and its vCPU: a protected VM on a guest_memfd if @private. */
static void setup(bool private)
{
	const uint64_t regs[][2] = {
		{ CORE_REG(pc), CODE_IPA },
		{ CORE_REG(regs[19]), DOORBELL_IPA },
		{ CORE_REG(regs[20]), MEM_IPA },
		{ CORE_REG(regs[21]), nr_pages },
		{ CORE_REG(regs[22]), page },
		{ CORE_REG(regs[23]), MMIO_GUARD_FUNC_ID },
	};
	struct kvm_vcpu_init init;
	struct kvm_one_reg reg;

	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM,
		      private ? KVM_VM_TYPE_ARM_PROTECTED : 0);
	if (vm_fd < 0)
		die("KVM_CREATE_VM");

	code = map_anon(page, "mmap(code)");
	memcpy(code, guest_start, guest_end - guest_start);
	add_slot(0, CODE_IPA, code, page, -1);
	mem = private ? map_gmem() : map_anon(mem_size, "mmap(memory)");
	add_slot(1, MEM_IPA, mem, mem_size, gmem_fd);

	vcpu_fd = ioctl(vm_fd, KVM_CREATE_VCPU, 0);
	if (vcpu_fd < 0)
		die("KVM_CREATE_VCPU");
	if (ioctl(vm_fd, KVM_ARM_PREFERRED_TARGET, &init) ||
	    ioctl(vcpu_fd, KVM_ARM_VCPU_INIT, &init))
		die("KVM_ARM_VCPU_INIT");
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		reg.id = regs[i][0];
		reg.addr = (uintptr_t)&regs[i][1];
		if (ioctl(vcpu_fd, KVM_SET_ONE_REG, &reg))
			die("KVM_SET_ONE_REG");
	}
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (run == MAP_FAILED)
		die("mmap(vcpu)");
}

/* Tear the VM down: the last file closed destroys it. */
static void teardown(void)
{
	munmap(run, run_size);
	munmap(code, page);
	munmap(mem, mem_size);
	close(vcpu_fd);
	close(vm_fd);
	if (gmem_fd >= 0)
		close(gmem_fd);
	gmem_fd = -1;
}

static void run_guest(void)
{
	if (ioctl(vcpu_fd, KVM_RUN, 0))
		die("KVM_RUN");
	if (run->exit_reason != KVM_EXIT_MMIO || !run->mmio.is_write ||
	    run->mmio.phys_addr != DOORBELL_IPA) {
		printf("error: unexpected exit %u (MMIO %s at 0x%llx)\n",
		       run->exit_reason, run->mmio.is_write ? "write" : "read",
		       (unsigned long long)run->mmio.phys_addr);
		exit(1);
	}
}

/* One round of the private kind, in a new VM: ns to the doorbell. */
static uint64_t private_round_ns(void)
{
	uint64_t t0, t;

	setup(true);
	t0 = now_ns();
	run_guest();
	t = now_ns() - t0;
	teardown();
	return t;
}

/* One round of @kind: ns from entering the guest to its doorbell. */
static uint64_t round_ns(enum kind kind)
{
	uint64_t t0, t;
	unsigned long i;

	/* Drop every page, and with them the guest's stage-2 mappings. */
	if (madvise(mem, mem_size, MADV_DONTNEED))
		die("madvise(MADV_DONTNEED)");
	if (kind == POPULATED)
		for (i = 0; i < nr_pages; i++)
			mem[i * page] = 1;

	t0 = now_ns();
	run_guest();
	t = now_ns() - t0;

	for (i = 0; i < nr_pages; i++) {
		uint64_t want = MEM_IPA + i * page, got;

		memcpy(&got, mem + i * page, sizeof(got));
		if (got != want) {
			printf("error: %s round: page %lu holds 0x%llx, the guest wrote 0x%llx\n",
			       kind_name[kind], i, (unsigned long long)got,
			       (unsigned long long)want);
			exit(1);
		}
	}
	return t;
}

static long arg(const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "usage: s2_fault_bench [-p] [-m MiB] [-r rounds]\n");
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	uint64_t t[NR_KINDS][MAX_ROUNDS], med;
	int first = FRESH, last = POPULATED;
	unsigned long mib = 16;
	int rounds = 9, opt, r, k;

	while ((opt = getopt(argc, argv, "pm:r:")) != -1) {
		if (opt == 'p')
			first = last = PRIVATE;
		else if (opt == 'm')
			mib = arg(optarg, 1, 1L << 16);
		else if (opt == 'r')
			rounds = arg(optarg, 1, MAX_ROUNDS);
		else
			arg("", 1, 0);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(TIMEOUT_S);
	page = sysconf(_SC_PAGESIZE);
	mem_size = mib * MIB;
	nr_pages = mem_size / page;
	printf("s2_fault_bench: %lu MiB, %lu pages of %zu bytes, %d rounds of each kind; one guest write per page, each a stage-2 fault\n",
	       mib, nr_pages, page, rounds);

	if (guest_end - guest_start > (long)page) {
		errno = E2BIG;
		die("guest code");
	}
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die("/dev/kvm");
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if ((long)run_size < 0)
		die("KVM_GET_VCPU_MMAP_SIZE");

	if (first == PRIVATE) {
		/* A first VM, untimed, as in the other kinds' first round. */
		private_round_ns();
	} else {
		setup(false);
		/* A first round, untimed: the code page and the page tables. */
		round_ns(FRESH);
	}

	/* Alternate the kinds, so that drift in the host hits both alike. */
	for (r = 0; r < rounds; r++) {
		for (k = first; k <= last; k++) {
			enum kind kind = r & 1 ? first + last - k : k;

			t[kind][r] = kind == PRIVATE ? private_round_ns() :
						       round_ns(kind);
			printf("round %d %s: %lu faults in %.1f ms: %.0f ns/fault\n",
			       r + 1, kind_name[kind], nr_pages,
			       t[kind][r] / 1e6, (double)t[kind][r] / nr_pages);
		}
	}
	for (k = first; k <= last; k++) {
		med = median(t[k], rounds);	/* sorts t[k] */
		printf("s2: %s: median %.0f ns/fault, %.0f faults/s; best %.0f ns/fault, worst %.0f ns/fault (%lu faults, %d rounds)\n",
		       kind_name[k], (double)med / nr_pages,
		       nr_pages * 1e9 / med, (double)t[k][0] / nr_pages,
		       (double)t[k][rounds - 1] / nr_pages, nr_pages, rounds);
	}
	return 0;
}
