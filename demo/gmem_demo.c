// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_demo - a protected arm64 guest shares single pages of its
 * guest_memfd memory with the host, in place.
 *
 * A minimal VMM, written to be read.  It creates a KVM_VM_TYPE_ARM_PROTECTED
 * VM whose RAM is one guest_memfd (GUEST_MEMFD_FLAG_MMAP, every page private
 * at first) behind one gmem-only memslot, maps the guest_memfd itself, runs
 * a tiny guest and narrates what each side sees (steps 1-7 of its output).
 * Then it times MEM_SHARE + MEM_UNSHARE round trips against null
 * hypercalls, and sharing a range page by page.  The last line is the
 * verdict; the exit status is 0 only on PASS.  Run it as root (PFNs).
 *
 * Guest memory is the guest_memfd at GUEST_IPA: page 0 holds the code (see
 * setup_vm()), page 1 the secret, page 2 the mailbox, and the range for the
 * throughput follows (-m MiB).  The doorbell at DOORBELL_IPA has no memslot:
 * a guest store there exits as KVM_EXIT_MMIO.  At +0 the guest signals an
 * event (EV_*), at +8 it hands over a value (a result, a checksum) first.
 *
 * usage: gmem_demo [-n round trips (2000)] [-m range MiB (64)]
 * (64 MiB is the size the issue suggests; it fits a 2 GiB QEMU easily.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
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
#include <sys/uio.h>
#include <linux/kvm.h>

/*
 * pKVM vendor hypercalls, from include/linux/arm-smccc.h (not in the uAPI
 * headers): ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_64,
 * ARM_SMCCC_OWNER_VENDOR_HYP, ARM_SMCCC_KVM_FUNC_*).
 */
#define KVM_VENDOR_CALL(n)	((1U << 31) | (1U << 30) | (6U << 24) | (n))
#define ARM_SMCCC_VENDOR_HYP_KVM_HYP_MEMINFO_FUNC_ID	KVM_VENDOR_CALL(2)
#define ARM_SMCCC_VENDOR_HYP_KVM_MEM_SHARE_FUNC_ID	KVM_VENDOR_CALL(3)
#define ARM_SMCCC_VENDOR_HYP_KVM_MEM_UNSHARE_FUNC_ID	KVM_VENDOR_CALL(4)
#define ARM_SMCCC_VENDOR_HYP_KVM_MMIO_GUARD_FUNC_ID	KVM_VENDOR_CALL(7)
#define ARM_SMCCC_VERSION_FUNC_ID	0x80000000U	/* the null hypercall */
#define SMCCC_RET_SUCCESS		0

#define GUEST_IPA	0x40000000UL
#define DOORBELL_IPA	0x10000000UL
#define PG_CODE		0
#define PG_SECRET	1
#define PG_MAILBOX	2
#define PG_RANGE	3
#define TEXT_LEN	64	/* bytes of the secret, the message, the reply */
#define REPLY_OFF	256	/* the reply's offset in the mailbox */
#define TIMEOUT_S	240	/* for the whole demo */
#define TIMINGS		3	/* the round trips are timed 3 times: best of 3 */

/* Events the guest signals (numbers shared with the guest code). */
#define EV_MEMINFO	1	/* value: HYP_MEMINFO's granule */
#define EV_SECRET	2	/* the secret is in its page */
#define EV_SHARED	3	/* value: MEM_UNSHARE's result | MEM_SHARE's */
#define EV_REPLY	4	/* value: the sum of the reply's 64-bit words */
#define EV_UNSHARED	5	/* value: MEM_UNSHARE's result */
#define EV_NULL		6	/* -n pairs of null hypercalls done */
#define EV_ROUNDTRIP	7	/* -n round trips done; value: results ORed */
#define EV_TOUCHED	8	/* every page of the range written */
#define EV_RANGE_SHARED	9	/* ... and shared; value: results ORed */
#define EV_RANGE_PRIVATE 10	/* ... and unshared; value: results ORed */

#define STR(x)		#x
#define XSTR(x)		STR(x)
#define GUEST_SECRET	"the launch code is 0000"
#define GUEST_MESSAGE	"Hello, host! I wrote this while the page was private."
#define HOST_REPLY	"Hello, guest. Read in place, answered in place."

/*
 * The guest: EL1, MMU off, so its data accesses are Device-nGnRnE and must
 * be aligned.  (A real guest turns its MMU on: without FEAT_S2FWB, real
 * hardware could otherwise show either side stale cache lines; TCG has no
 * caches.)  The VMM passes everything in registers:
 *   x19 doorbell      x20 secret page     x21 mailbox     x22 rounds (-n)
 *   x23 range         x24 range pages     x25 MEM_SHARE   x26 MEM_UNSHARE
 *   x27 HYP_MEMINFO   x28 the null call   x18 MMIO_GUARD
 * Calls are SMCCC 1.1 over HVC #0: function ID in x0, arguments in x1-x3,
 * result in x0; KVM keeps x4 and up.  The guest declares the doorbell MMIO
 * first: the hypervisor shows the host the register of a protected guest's
 * store only on a page declared so.  The compiler assembles the guest
 * with this file into .rodata: to the VMM it is data for guest page 0.
 */
asm("	.pushsection .rodata.guest, \"a\"\n"
"	.macro	smccc fn, arg\n"	/* x0 = fn(arg) */
"	mov	x0, \\fn; mov x1, \\arg; mov x2, xzr; mov x3, xzr; hvc #0\n"
"	.endm\n"
"	.macro	signal ev, val\n"	/* exit with a value if any, then the event */
"	.ifnb	\\val; str \\val, [x19, #8]; .endif\n"
"	mov	x0, #\\ev; str x0, [x19]\n"
"	.endm\n"
"	.macro	rounds fn1, fn2\n"	/* x22 times fn1(mailbox), fn2(mailbox) */
"	mov	x9, x22; mov x11, xzr\n"
"8:	smccc	\\fn1, x21; orr x11, x11, x0\n"
"	smccc	\\fn2, x21; orr x11, x11, x0\n"
"	subs	x9, x9, #1; b.ne 8b\n"
"	.endm\n"
"	.macro	each_page fn\n"		/* fn(page) for each page of the range */
"	mov	x5, x23; mov x11, xzr\n"
"9:	smccc	\\fn, x5; orr x11, x11, x0\n"
"	add	x5, x5, x10; cmp x5, x6; b.lo 9b\n"
"	.endm\n"
"	.balign	8\n"
"	.globl	guest_start, guest_end\n"	/* GOT entries of their own */
"guest_start:\n"
"	smccc	x18, x19\n"		/* MMIO_GUARD: the doorbell is MMIO */
"	smccc	x27, xzr\n"		/* HYP_MEMINFO: the granule, kept in x10 */
"	mov	x10, x0\n"
"	signal	" XSTR(EV_MEMINFO) ", x10\n"
"	adr	x4, secret; mov x5, x20\n"	/* 1: the secret into its private page */
"	bl	copy_text\n"
"	signal	" XSTR(EV_SECRET) "\n"
"	smccc	x26, x21\n"		/* 3: take the mailbox private, */
"	mov	x11, x0\n"
"	adr	x4, message; mov x5, x21\n"	/* write the message into it, */
"	bl	copy_text\n"
"	smccc	x25, x21\n"		/* and share it, in place */
"	orr	x11, x11, x0\n"
"	signal	" XSTR(EV_SHARED) ", x11\n"
"	add	x4, x21, #" XSTR(REPLY_OFF) "\n"	/* 5: sum the reply's words */
"	mov	x6, xzr; mov x7, xzr\n"
"1:	ldr	x8, [x4, x6]; add x7, x7, x8\n"
"	add	x6, x6, #8; cmp x6, #" XSTR(TEXT_LEN) "; b.lo 1b\n"
"	signal	" XSTR(EV_REPLY) ", x7\n"
"	smccc	x26, x21\n"		/* 6: take the mailbox back */
"	signal	" XSTR(EV_UNSHARED) ", x0\n"
"	mov	x12, #" XSTR(TIMINGS) "\n"	/* timing, best of TIMINGS: */
"4:	rounds	x28, x28\n"		/* null, null */
"	signal	" XSTR(EV_NULL) ", x11\n"
"	rounds	x25, x26\n"		/* share, unshare */
"	signal	" XSTR(EV_ROUNDTRIP) ", x11\n"
"	subs	x12, x12, #1; b.ne 4b\n"
"	mov	x5, x23\n"		/* the range: write each page's IPA in it */
"	madd	x6, x24, x10, x23\n"	/* x6: the end of the range */
"2:	str	x5, [x5]\n"
"	add	x5, x5, x10; cmp x5, x6; b.lo 2b\n"
"	signal	" XSTR(EV_TOUCHED) "\n"
"	each_page x25\n"		/* share it page by page */
"	signal	" XSTR(EV_RANGE_SHARED) ", x11\n"
"	each_page x26\n"		/* and unshare it */
"	signal	" XSTR(EV_RANGE_PRIVATE) ", x11\n"
"	b	.\n"
"copy_text:\n"			/* copy TEXT_LEN bytes from x4 to x5 */
"	mov	x6, xzr\n"
"3:	ldr	x7, [x4, x6]; str x7, [x5, x6]\n"
"	add	x6, x6, #8; cmp x6, #" XSTR(TEXT_LEN) "; b.lo 3b\n"
"	ret\n"
"	.balign	8\n"
"secret:	.asciz	" XSTR(GUEST_SECRET) "\n"
"	.org	secret + " XSTR(TEXT_LEN) "\n"
"message: .asciz " XSTR(GUEST_MESSAGE) "\n"
"	.org	message + " XSTR(TEXT_LEN) "\n"
"guest_end:\n"
"	.popsection\n");
extern const char guest_start[], guest_end[];

static int kvm_fd, vm_fd, gmem_fd, vcpu_fd;
static struct kvm_run *run;
static char *mem;		/* the host's mapping of the whole guest_memfd */
static char *mailbox;
static size_t page;
static unsigned long rounds = 2000, range_mib = 64, range_pages;
static const char *failed_step, *failed_why;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* A failure the demo cannot go on after. */
static void die(const char *step, const char *what)
{
	printf("gmem_demo: FAIL: %s: %s: %s\n", step, what, strerror(errno));
	exit(1);
}

/* A check: if it fails, say so, remember the first failure, go on. */
static bool check(bool ok, const char *step, const char *why)
{
	if (!ok) {
		say("%s: FAILED: %s", step, why);
		if (!failed_step) {
			failed_step = step;
			failed_why = why;
		}
	}
	return ok;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* KVM_SET_MEMORY_ATTRIBUTES2, on the guest_memfd: convert a page in place. */
static void convert(size_t pgoff, bool private)
{
	struct kvm_memory_attributes2 attr = {
		.offset = pgoff * page,
		.size = page,
		.attributes = private ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0,
	};

	/* EAGAIN: the host still holds the page at attr.error_offset. */
	if (ioctl(gmem_fd, KVM_SET_MEMORY_ATTRIBUTES2, &attr))
		die("setup", "KVM_SET_MEMORY_ATTRIBUTES2");
}

static sigjmp_buf sigbus_jmp;

static void on_signal(int sig)
{
	if (sig == SIGBUS)
		siglongjmp(sigbus_jmp, 1);
	/* SIGALRM: KVM_RUN returns EINTR */
}

/* Copy what the host sees at @p; false if that raised SIGBUS. */
static bool host_read(const char *p, void *buf, size_t len)
{
	if (sigsetjmp(sigbus_jmp, 1))
		return false;
	memcpy(buf, p, len);
	return true;
}

/* The PFN behind a host address, from /proc/self/pagemap; 0: unknown. */
static uint64_t pfn_of(const void *addr)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t entry = 0;

	if (fd >= 0) {
		if (pread(fd, &entry, 8, (uintptr_t)addr / page * 8) != 8)
			entry = 0;
		close(fd);
	}
	/* bit 63: present; bits 0-54: the PFN, which reads as 0 unless root */
	return entry >> 63 ? entry & ((1ULL << 55) - 1) : 0;
}

static uint64_t sum_words(const char *text)
{
	uint64_t w[TEXT_LEN / 8], sum = 0;

	memcpy(w, text, TEXT_LEN);
	for (int i = 0; i < TEXT_LEN / 8; i++)
		sum += w[i];
	return sum;
}

static void setup_vm(void)
{
	size_t size = (PG_RANGE + range_pages) * page;
	struct kvm_create_guest_memfd gmem = {
		.size = size,
		.flags = GUEST_MEMFD_FLAG_MMAP,		/* not INIT_SHARED */
	};
	struct kvm_userspace_memory_region2 slot = {
		.slot = 0,
		.flags = KVM_MEM_GUEST_MEMFD,
		.guest_phys_addr = GUEST_IPA,
		.memory_size = size,
		.guest_memfd_offset = 0,
	};
	char code[16];

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die("setup", "/dev/kvm");
	/* The IPA size bits are 0: the default, 40 bits. */
	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_PROTECTED);
	if (vm_fd < 0)
		die("setup", "KVM_CREATE_VM(KVM_VM_TYPE_ARM_PROTECTED)");
	say("setup: protected VM; it takes guest_memfd flags 0x%x, converts attributes 0x%x",
	    ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_MEMFD_FLAGS),
	    ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_MEMFD_MEMORY_ATTRIBUTES));

	gmem_fd = ioctl(vm_fd, KVM_CREATE_GUEST_MEMFD, &gmem);
	if (gmem_fd < 0)
		die("setup", "KVM_CREATE_GUEST_MEMFD");
	/* Shared pages show through this mapping; private ones raise SIGBUS. */
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, gmem_fd, 0);
	if (mem == MAP_FAILED)
		die("setup", "mmap(guest_memfd)");
	mailbox = mem + PG_MAILBOX * page;

	/* gmem-only: guest faults are served from the guest_memfd, not mem. */
	slot.guest_memfd = gmem_fd;
	slot.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION2, &slot))
		die("setup", "KVM_SET_USER_MEMORY_REGION2");
	say("setup: %zu KiB of guest RAM at IPA 0x%lx: one guest_memfd, every page private",
	    size >> 10, GUEST_IPA);

	/*
	 * The code lives in the guest_memfd too, so that it is protected like
	 * the rest: the VMM makes its page shared, writes it, and makes it
	 * private again before the guest runs (conversions keep contents).  A
	 * second, ordinary anonymous memslot would also do, left unprotected.
	 */
	if (guest_end - guest_start > (long)page)
		die("setup", "the guest code does not fit in a page");
	convert(PG_CODE, false);
	memcpy(mem + PG_CODE * page, guest_start, guest_end - guest_start);
	convert(PG_CODE, true);
	check(!host_read(mem + PG_CODE * page, code, sizeof(code)), "setup",
	      "the host still reads the code page after making it private");
	say("setup: page 0: code written while shared (%zu bytes), then made private",
	    (size_t)(guest_end - guest_start));

	/* The mailbox starts shared: the host uses it first, then the guest. */
	convert(PG_MAILBOX, false);
	memset(mailbox, '.', page);
}

#define CORE_REG(r)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(regs.r))

static void setup_vcpu(void)
{
	const uint64_t boot[][2] = {	/* the guest's registers: see its comment */
		{ CORE_REG(pc), GUEST_IPA + PG_CODE * page },
		{ CORE_REG(regs[18]), ARM_SMCCC_VENDOR_HYP_KVM_MMIO_GUARD_FUNC_ID },
		{ CORE_REG(regs[19]), DOORBELL_IPA },
		{ CORE_REG(regs[20]), GUEST_IPA + PG_SECRET * page },
		{ CORE_REG(regs[21]), GUEST_IPA + PG_MAILBOX * page },
		{ CORE_REG(regs[22]), rounds },
		{ CORE_REG(regs[23]), GUEST_IPA + PG_RANGE * page },
		{ CORE_REG(regs[24]), range_pages },
		{ CORE_REG(regs[25]), ARM_SMCCC_VENDOR_HYP_KVM_MEM_SHARE_FUNC_ID },
		{ CORE_REG(regs[26]), ARM_SMCCC_VENDOR_HYP_KVM_MEM_UNSHARE_FUNC_ID },
		{ CORE_REG(regs[27]), ARM_SMCCC_VENDOR_HYP_KVM_HYP_MEMINFO_FUNC_ID },
		{ CORE_REG(regs[28]), ARM_SMCCC_VERSION_FUNC_ID },
	};
	struct kvm_vcpu_init init;
	struct kvm_one_reg reg;
	int size;

	vcpu_fd = ioctl(vm_fd, KVM_CREATE_VCPU, 0);
	if (vcpu_fd < 0)
		die("setup", "KVM_CREATE_VCPU");
	if (ioctl(vm_fd, KVM_ARM_PREFERRED_TARGET, &init) ||
	    ioctl(vcpu_fd, KVM_ARM_VCPU_INIT, &init))
		die("setup", "KVM_ARM_VCPU_INIT");
	for (size_t i = 0; i < sizeof(boot) / sizeof(boot[0]); i++) {
		reg.id = boot[i][0];
		reg.addr = (uintptr_t)&boot[i][1];
		if (ioctl(vcpu_fd, KVM_SET_ONE_REG, &reg))
			die("setup", "KVM_SET_ONE_REG");
	}
	size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (size < 0 || run == MAP_FAILED)
		die("setup", "mmap(vcpu)");
}

static uint64_t pfn_before;	/* the mailbox's, when the host first had it */
static int pipefd[2] = { -1, -1 }, memory_faults;
static double t_null, t_rt, t_touch, t_share, t_unshare;
static uint64_t rt_results;	/* of the timed round trips, ORed */

/* KVM_RUN failed with EFAULT: the guest unshares a page the host holds. */
static void on_memory_fault(void)
{
	static char drain[65536];

	say("step 6: the guest calls MEM_UNSHARE: KVM_RUN fails, EFAULT, "
	    "KVM_EXIT_MEMORY_FAULT: flags 0x%llx (%s), gpa 0x%llx, size %llu",
	    run->memory_fault.flags,
	    run->memory_fault.flags & KVM_MEMORY_EXIT_FLAG_PRIVATE ? "private" : "shared",
	    run->memory_fault.gpa, run->memory_fault.size);
	check(run->memory_fault.flags == KVM_MEMORY_EXIT_FLAG_PRIVATE &&
	      run->memory_fault.gpa == GUEST_IPA + PG_MAILBOX * page &&
	      run->memory_fault.size == page, "step 6", "not the mailbox going private");
	if (++memory_faults > 3 || pipefd[0] < 0 || page > sizeof(drain))
		die("step 6", "the guest cannot take the mailbox back");

	/* Reading the pipe drops its reference to the page. */
	if (read(pipefd[0], drain, page) != (ssize_t)page)
		die("step 6", "read(pipe)");
	close(pipefd[0]);
	close(pipefd[1]);
	pipefd[0] = pipefd[1] = -1;
	say("step 6: the host reads the pipe, so lets go of the page, and re-enters the vCPU");
}

/* The guest signalled @ev, @elapsed us after the VMM resumed it. */
static bool on_event(uint64_t ev, uint64_t value, double elapsed)
{
	char buf[TEXT_LEN], reply[TEXT_LEN] = HOST_REPLY;
	struct iovec iov = { mailbox, page };
	uint64_t pfn, first, last;
	size_t last_pg = PG_RANGE + range_pages - 1;

	switch (ev) {
	case EV_MEMINFO:
		say("step 0: the guest asks HYP_MEMINFO for the granule: %llu bytes",
		    (unsigned long long)value);
		check(value == page, "step 0", "HYP_MEMINFO is not the page size");
		break;
	case EV_SECRET:
		say("step 1: the guest wrote \"%s\" into page 1, private", GUEST_SECRET);
		if (check(!host_read(mem + PG_SECRET * page, buf, TEXT_LEN), "step 2",
			  "the host can read a private page"))
			say("step 2: the host reads page 1 through its mapping: SIGBUS, locked out");
		else
			say("step 2: the host reads page 1: \"%.*s\"", TEXT_LEN, buf);
		break;
	case EV_SHARED:
		say("step 3: the guest took the mailbox private (MEM_UNSHARE), wrote a message, "
		    "shared it (MEM_SHARE): results 0x%llx", (unsigned long long)value);
		check(value == SMCCC_RET_SUCCESS, "step 3",
		      "MEM_UNSHARE or MEM_SHARE did not return SMCCC_RET_SUCCESS");
		if (!check(host_read(mailbox, buf, TEXT_LEN), "step 4", "SIGBUS on a shared page"))
			break;
		pfn = pfn_of(mailbox);
		say("step 4: the host reads the mailbox in place: \"%.*s\"", TEXT_LEN, buf);
		check(!strncmp(buf, GUEST_MESSAGE, TEXT_LEN), "step 4", "not the guest's message");
		say("step 4: PFN 0x%llx when the host wrote it, 0x%llx now: %s",
		    (unsigned long long)pfn_before, (unsigned long long)pfn,
		    !pfn ? "unknown (not root?)" : pfn == pfn_before ?
		    "the same page, nothing was copied" : "another page!");
		check(pfn && pfn == pfn_before, "step 4", "not shown to be the same page");
		memcpy(mailbox + REPLY_OFF, reply, TEXT_LEN);
		say("step 5: the host writes a reply into the mailbox: \"%s\"", HOST_REPLY);
		break;
	case EV_REPLY:
		say("step 5: the guest reads it in place, checksum 0x%llx (the host's: 0x%llx)",
		    (unsigned long long)value, (unsigned long long)sum_words(reply));
		check(value == sum_words(reply), "step 5", "the guest read something else");
		/* The pipe holds a reference to the page, as I/O in flight would. */
		if (pipe(pipefd) || vmsplice(pipefd[1], &iov, 1, 0) != (ssize_t)page)
			die("step 6", "vmsplice");
		say("step 6: the host keeps a reference to the mailbox: vmsplice() into a pipe");
		break;
	case EV_UNSHARED:
		say("step 6: the guest's MEM_UNSHARE is retried and returns 0x%llx",
		    (unsigned long long)value);
		check(memory_faults == 1, "step 6", "no exit while the host held the page");
		check(value == SMCCC_RET_SUCCESS, "step 6",
		      "MEM_UNSHARE did not return SMCCC_RET_SUCCESS");
		if (check(!host_read(mailbox, buf, TEXT_LEN), "step 7", "the host still reads it"))
			say("step 7: the host reads the mailbox: SIGBUS, locked out again");
		break;
	case EV_NULL:
		t_null = t_null && t_null < elapsed ? t_null : elapsed;
		break;
	case EV_ROUNDTRIP:
		t_rt = t_rt && t_rt < elapsed ? t_rt : elapsed;
		rt_results |= value;
		break;
	case EV_TOUCHED:
		t_touch = elapsed;
		break;
	case EV_RANGE_SHARED:
		t_share = elapsed;
		check(value == SMCCC_RET_SUCCESS, "range", "a MEM_SHARE failed");
		/* Each page holds its IPA, written by the guest while private. */
		check(host_read(mem + PG_RANGE * page, &first, 8) &&
		      host_read(mem + last_pg * page, &last, 8) &&
		      first == GUEST_IPA + PG_RANGE * page && last == GUEST_IPA + last_pg * page,
		      "range", "the host does not see what the guest wrote");
		break;
	case EV_RANGE_PRIVATE:
		t_unshare = elapsed;
		check(value == SMCCC_RET_SUCCESS, "range", "a MEM_UNSHARE failed");
		return true;
	default:
		errno = EINVAL;
		die("run", "unknown event");
	}
	return false;
}

static void run_guest(void)
{
	double resumed = now_us(), t;
	uint64_t data, value = 0;
	int r;

	for (;;) {
		r = ioctl(vcpu_fd, KVM_RUN, 0);
		t = now_us();
		if (r < 0 && errno == EFAULT && run->exit_reason == KVM_EXIT_MEMORY_FAULT) {
			on_memory_fault();
			continue;	/* re-entering retries the guest's call */
		}
		if (r < 0)
			die("run", errno == EINTR ? "KVM_RUN: the guest is stuck" : "KVM_RUN");
		if (run->exit_reason != KVM_EXIT_MMIO || !run->mmio.is_write ||
		    run->mmio.len != 8) {
			printf("gmem_demo: FAIL: run: unexpected exit %u\n", run->exit_reason);
			exit(1);
		}
		memcpy(&data, run->mmio.data, 8);
		if (run->mmio.phys_addr == DOORBELL_IPA + 8) {
			value = data;
			continue;
		}
		if (on_event(data, value, t - resumed))
			return;
		resumed = now_us();
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	double null_call, round_trip, ratio, mib;
	int opt;

	while ((opt = getopt(argc, argv, "n:m:")) != -1) {
		if (opt == 'n')
			rounds = strtoul(optarg, NULL, 0);
		else if (opt == 'm')
			range_mib = strtoul(optarg, NULL, 0);
		else
			break;
	}
	page = sysconf(_SC_PAGESIZE);
	range_pages = (range_mib << 20) / page;
	if (opt != -1 || !rounds || !range_pages) {
		fprintf(stderr, "usage: %s [-n round trips] [-m range MiB]\n", argv[0]);
		return 2;
	}
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	alarm(TIMEOUT_S);

	say("gmem_demo: a protected guest shares single pages of its guest_memfd, in place");
	setup_vm();
	setup_vcpu();
	pfn_before = pfn_of(mailbox);
	say("setup: page 2, the mailbox: made shared, written by the host: PFN 0x%llx",
	    (unsigned long long)pfn_before);
	run_guest();

	null_call = t_null / rounds / 2;
	round_trip = t_rt / rounds;
	ratio = round_trip / null_call;
	mib = range_pages * page / (double)(1 << 20);
	say("timing: %lu x 2 null hypercalls (SMCCC_VERSION): %.2f us per call (best of %d)",
	    rounds, null_call, TIMINGS);
	say("timing: %lu x (MEM_SHARE + MEM_UNSHARE of one page): %.2f us per round trip "
	    "(best of %d)", rounds, round_trip, TIMINGS);
	check(rt_results == SMCCC_RET_SUCCESS, "timing", "a round trip's call failed");
	say("timing: a round trip costs %.2f null hypercalls (%.2f per call); goal <= 3: %s",
	    ratio, ratio / 2, ratio <= 3 ? "met" : "NOT met");
	say("timing: %.0f MiB page by page: guest writes %.2f us/page; shares %.2f us/page "
	    "(%.1f MiB/s); unshares %.2f us/page (%.1f MiB/s)", mib, t_touch / range_pages,
	    t_share / range_pages, mib * 1e6 / t_share,
	    t_unshare / range_pages, mib * 1e6 / t_unshare);

	if (failed_step) {
		printf("gmem_demo: FAIL: %s: %s\n", failed_step, failed_why);
		return 1;
	}
	printf("gmem_demo: PASS: locked out, shared in place, unshared once the host let go, "
	       "locked out again; round trip = %.1f null hypercalls (goal <= 3: %s)\n",
	       ratio, ratio <= 3 ? "met" : "not met");
	return 0;
}
