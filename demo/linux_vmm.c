// SPDX-License-Identifier: GPL-2.0
/*
 * linux_vmm - boot an arm64 Linux kernel as a protected guest whose RAM is
 * one guest_memfd, with a console the guest reaches through pages it shares
 * in place.
 *
 * A small VMM, written to be read, for a client nobody here wrote: a stock
 * Linux guest with its pkvm-guest driver.  The VM is KVM_VM_TYPE_ARM_PROTECTED
 * (or the default type, -D, for comparison).  Its RAM is one guest_memfd
 * with GUEST_MEMFD_FLAG_MMAP behind one gmem-only memslot; the VMM maps the
 * guest_memfd, writes the kernel, the initramfs and a device tree of its own
 * into it while the pages are shared, and makes all of RAM private before
 * the guest runs.  The device tree describes:
 *
 *  - the CPUs (-c), started with PSCI 0.2 over HVC, and a GICv3 and the
 *    architected timer, both emulated by KVM;
 *  - an SBSA UART at UART_IPA, transmit only, for the kernel's log.  No
 *    "earlycon" in a protected guest's command line: earlycon maps the
 *    UART through the fixmap, before the guest's pkvm driver declares its
 *    MMIO to the hypervisor (MMIO_GUARD, which it does in ioremap()), and
 *    the hypervisor answers an access to an undeclared frame with an
 *    abort, which kills the guest before it has a console;
 *  - a virtio-mmio (v2) console at VIRTIO_IPA offering VIRTIO_F_VERSION_1
 *    and VIRTIO_F_ACCESS_PLATFORM, bound to a restricted-dma-pool, so that
 *    every ring and buffer lives in pages the guest shared.  The device
 *    reads and writes them in place through the VMM's mapping of the
 *    guest_memfd and checks every access: a private page, a descriptor
 *    loop, an oversized length or a readable buffer after a writable one
 *    stops the device with a message.  It echoes what the guest writes.
 *
 * MEM_SHARE and MEM_UNSHARE reach the VMM through the SMCCC filter
 * (KVM_SMCCC_FILTER_FWD_TO_USER): it converts the page with
 * KVM_SET_MEMORY_ATTRIBUTES2 and counts the calls.  The guest's console
 * (UART) goes to stdout, what it writes to the virtio console to stdout
 * with "hvc0: " before each line.  The last line sums up the run:
 *
 *   linux-vmm: <vm type>, <cpus> vCPUs, power-off after <s> s,
 *   MEM_SHARE <n>, MEM_UNSHARE <n>, DMA pool <n> pages, hvc0 <bytes> bytes
 *
 * The exit status is 0 if the guest powered off and the device saw no bad
 * input.  With -T, the VMM runs no guest: it feeds the device bad chains
 * of its own and checks that each stops it (device_test()).
 *
 * usage: linux_vmm [-D] [-c cpus] [-m MiB] [-t seconds] IMAGE INITRAMFS "CMDLINE"
 *        linux_vmm -T
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
#include <sys/stat.h>
#include <linux/kvm.h>

/* pKVM vendor hypercalls, from include/linux/arm-smccc.h */
#define KVM_VENDOR_CALL(n)	((1U << 31) | (1U << 30) | (6U << 24) | (n))
#define MEM_SHARE_FUNC_ID	KVM_VENDOR_CALL(3)
#define MEM_UNSHARE_FUNC_ID	KVM_VENDOR_CALL(4)
#define SMCCC_RET_SUCCESS		0
#define SMCCC_RET_INVALID_PARAMETER	(-3)

/* The guest's physical memory map */
#define GIC_DIST_IPA	0x08000000UL
#define GIC_REDIST_IPA	0x080a0000UL	/* 128 KiB a vCPU */
#define UART_IPA	0x09000000UL
#define VIRTIO_IPA	0x0a000000UL
#define VIRTIO_SIZE	0x200
#define RAM_IPA		0x40000000UL
#define POOL_SIZE	(2UL << 20)	/* the restricted DMA pool, at the end of RAM */
#define DTB_MAX		(64UL << 10)
#define UART_SPI	1
#define VIRTIO_SPI	16
#define MAX_CPUS	8

static int kvm_fd, vm_fd, gmem_fd;
static bool protected_vm = true;
static int nr_cpus = 2;
static size_t ram_size = 256UL << 20, page;
static char *ram;		/* the VMM's mapping of the guest_memfd */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;	/* devices, conversions */
static unsigned long nr_share, nr_unshare, hvc_bytes;
static bool device_failed;
static bool no_guest;		/* -T: the device test, no vCPU, no GIC */

static void die(const char *what)
{
	fprintf(stderr, "linux-vmm: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The device tree: a flattened tree (Documentation/devicetree/usage-model
 * and the DT specification) built in two buffers, structure and strings.
 */
#define FDT_MAGIC	0xd00dfeed
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_END		9

static struct {
	uint32_t s[8192];	/* structure block, big-endian words */
	size_t ns;
	char str[2048];		/* strings block */
	size_t nstr;
} fdt;

static void fdt_word(uint32_t w)
{
	fdt.s[fdt.ns++] = htobe32(w);
}

static void fdt_bytes(const void *p, size_t len)
{
	memset(&fdt.s[fdt.ns], 0, (len + 3) & ~3UL);
	memcpy(&fdt.s[fdt.ns], p, len);
	fdt.ns += (len + 3) / 4;
}

static void fdt_begin(const char *name)
{
	fdt_word(FDT_BEGIN_NODE);
	fdt_bytes(name, strlen(name) + 1);
}

static void fdt_end(void)
{
	fdt_word(FDT_END_NODE);
}

static uint32_t fdt_string(const char *name)
{
	size_t off;

	for (off = 0; off < fdt.nstr; off += strlen(fdt.str + off) + 1)
		if (!strcmp(fdt.str + off, name))
			return off;
	strcpy(fdt.str + fdt.nstr, name);
	fdt.nstr += strlen(name) + 1;
	return off;
}

static void fdt_prop(const char *name, const void *val, size_t len)
{
	fdt_word(FDT_PROP);
	fdt_word(len);
	fdt_word(fdt_string(name));
	fdt_bytes(val, len);
}

static void fdt_str(const char *name, const char *val)
{
	fdt_prop(name, val, strlen(val) + 1);
}

/* A property of @n 32-bit cells */
static void fdt_cells(const char *name, int n, ...)
{
	uint32_t cells[16];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		cells[i] = htobe32(va_arg(ap, uint32_t));
	va_end(ap);
	fdt_prop(name, cells, n * 4);
}

/* reg = <addr size> with two cells each */
static void fdt_reg(uint64_t addr, uint64_t size)
{
	fdt_cells("reg", 4, (uint32_t)(addr >> 32), (uint32_t)addr,
		  (uint32_t)(size >> 32), (uint32_t)size);
}

/* Write the tree to @dst; return its size. */
static size_t fdt_finish(void *dst)
{
	uint32_t *h = dst;
	size_t off_rsv = 40, off_struct = off_rsv + 16;
	size_t off_str = off_struct + fdt.ns * 4, total = off_str + fdt.nstr;

	if (total > DTB_MAX) {
		fprintf(stderr, "linux-vmm: device tree too large\n");
		exit(1);
	}
	memset(dst, 0, off_struct);
	h[0] = htobe32(FDT_MAGIC);
	h[1] = htobe32(total);
	h[2] = htobe32(off_struct);
	h[3] = htobe32(off_str);
	h[4] = htobe32(off_rsv);
	h[5] = htobe32(17);		/* version */
	h[6] = htobe32(16);		/* last compatible version */
	h[8] = htobe32(fdt.nstr);
	h[9] = htobe32(fdt.ns * 4);
	memcpy((char *)dst + off_struct, fdt.s, fdt.ns * 4);
	memcpy((char *)dst + off_str, fdt.str, fdt.nstr);
	return total;
}

#define PHANDLE_GIC	1
#define PHANDLE_POOL	2
#define GIC_SPI		0
#define GIC_PPI		1
#define IRQ_LEVEL_HIGH	4

static size_t build_dtb(void *dst, const char *cmdline, uint64_t initrd,
			uint64_t initrd_size)
{
	char name[64];
	int i;

	fdt_word(FDT_BEGIN_NODE);
	fdt_bytes("", 1);
	fdt_str("compatible", "linux,dummy-virt");
	fdt_cells("#address-cells", 1, 2);
	fdt_cells("#size-cells", 1, 2);
	fdt_cells("interrupt-parent", 1, PHANDLE_GIC);

	fdt_begin("chosen");
	fdt_str("bootargs", cmdline);
	snprintf(name, sizeof(name), "/uart@%lx", UART_IPA);
	fdt_str("stdout-path", name);
	fdt_cells("linux,initrd-start", 2, (uint32_t)(initrd >> 32), (uint32_t)initrd);
	fdt_cells("linux,initrd-end", 2, (uint32_t)((initrd + initrd_size) >> 32),
		  (uint32_t)(initrd + initrd_size));
	fdt_end();

	snprintf(name, sizeof(name), "memory@%lx", RAM_IPA);
	fdt_begin(name);
	fdt_str("device_type", "memory");
	fdt_reg(RAM_IPA, ram_size);
	fdt_end();

	fdt_begin("reserved-memory");
	fdt_cells("#address-cells", 1, 2);
	fdt_cells("#size-cells", 1, 2);
	fdt_prop("ranges", NULL, 0);
	snprintf(name, sizeof(name), "restricted-dma@%lx", RAM_IPA + ram_size - POOL_SIZE);
	fdt_begin(name);
	fdt_str("compatible", "restricted-dma-pool");
	fdt_reg(RAM_IPA + ram_size - POOL_SIZE, POOL_SIZE);
	fdt_cells("phandle", 1, PHANDLE_POOL);
	fdt_end();
	fdt_end();

	fdt_begin("cpus");
	fdt_cells("#address-cells", 1, 1);
	fdt_cells("#size-cells", 1, 0);
	for (i = 0; i < nr_cpus; i++) {
		snprintf(name, sizeof(name), "cpu@%d", i);
		fdt_begin(name);
		fdt_str("device_type", "cpu");
		fdt_str("compatible", "arm,armv8");
		fdt_cells("reg", 1, i);		/* KVM's MPIDR for vCPU i < 16 */
		fdt_str("enable-method", "psci");
		fdt_end();
	}
	fdt_end();

	fdt_begin("psci");
	fdt_str("compatible", "arm,psci-0.2");
	fdt_str("method", "hvc");
	fdt_end();

	snprintf(name, sizeof(name), "intc@%lx", GIC_DIST_IPA);
	fdt_begin(name);
	fdt_str("compatible", "arm,gic-v3");
	fdt_cells("#interrupt-cells", 1, 3);
	fdt_prop("interrupt-controller", NULL, 0);
	fdt_cells("reg", 8, 0, (uint32_t)GIC_DIST_IPA, 0, 0x10000,
		  0, (uint32_t)GIC_REDIST_IPA, 0, nr_cpus * 0x20000);
	fdt_cells("phandle", 1, PHANDLE_GIC);
	fdt_end();

	fdt_begin("timer");
	fdt_str("compatible", "arm,armv8-timer");
	fdt_cells("interrupts", 12, GIC_PPI, 13, IRQ_LEVEL_HIGH, GIC_PPI, 14,
		  IRQ_LEVEL_HIGH, GIC_PPI, 11, IRQ_LEVEL_HIGH, GIC_PPI, 10,
		  IRQ_LEVEL_HIGH);
	fdt_end();

	snprintf(name, sizeof(name), "uart@%lx", UART_IPA);
	fdt_begin(name);
	fdt_str("compatible", "arm,sbsa-uart");
	fdt_reg(UART_IPA, 0x1000);
	fdt_cells("interrupts", 3, GIC_SPI, UART_SPI, IRQ_LEVEL_HIGH);
	fdt_cells("current-speed", 1, 115200);
	fdt_end();

	snprintf(name, sizeof(name), "virtio_mmio@%lx", VIRTIO_IPA);
	fdt_begin(name);
	fdt_str("compatible", "virtio,mmio");
	fdt_reg(VIRTIO_IPA, VIRTIO_SIZE);
	fdt_cells("interrupts", 3, GIC_SPI, VIRTIO_SPI, IRQ_LEVEL_HIGH);
	fdt_prop("dma-coherent", NULL, 0);
	fdt_cells("memory-region", 1, PHANDLE_POOL);
	fdt_end();

	fdt_end();
	fdt_word(FDT_END);
	return fdt_finish(dst);
}

/* Make [@off, @off + @len) of RAM shared or private, in place. */
static int convert(uint64_t off, uint64_t len, bool private)
{
	struct kvm_memory_attributes2 attr = {
		.offset = off,
		.size = len,
		.attributes = private ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0,
	};

	return ioctl(gmem_fd, KVM_SET_MEMORY_ATTRIBUTES2, &attr);
}

static size_t load_file(const char *path, uint64_t off)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	size_t done = 0;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st))
		die(path);
	if (off + st.st_size > ram_size - POOL_SIZE) {
		fprintf(stderr, "linux-vmm: %s does not fit\n", path);
		exit(1);
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, ram + off + done, st.st_size - done);
		if (n <= 0)
			die(path);
		done += n;
	}
	close(fd);
	return done;
}

/*
 * Guest RAM: the guest_memfd, shared while the VMM writes the kernel (at
 * RAM_IPA + text_offset), the initramfs (64 MiB in) and the device tree
 * (in the last 2 MiB below the DMA pool), then private for a protected VM.
 * Return the kernel's entry point and the device tree's address.
 */
static void create_ram(void)
{
	struct kvm_create_guest_memfd gmem = {
		.size = ram_size,
		.flags = GUEST_MEMFD_FLAG_MMAP | GUEST_MEMFD_FLAG_INIT_SHARED,
	};
	struct kvm_userspace_memory_region2 slot = {
		.flags = KVM_MEM_GUEST_MEMFD,
		.guest_phys_addr = RAM_IPA,
		.memory_size = ram_size,
	};

	gmem_fd = ioctl(vm_fd, KVM_CREATE_GUEST_MEMFD, &gmem);
	if (gmem_fd < 0)
		die("KVM_CREATE_GUEST_MEMFD");
	ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, gmem_fd, 0);
	if (ram == MAP_FAILED)
		die("mmap(guest_memfd)");
	slot.guest_memfd = gmem_fd;
	slot.userspace_addr = (uintptr_t)ram;
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION2, &slot))
		die("KVM_SET_USER_MEMORY_REGION2");
}

static void setup_memory(const char *image, const char *initrd,
			 const char *cmdline, uint64_t *entry, uint64_t *dtb)
{
	uint64_t text_offset, initrd_off = 64UL << 20, dtb_off;
	size_t initrd_size;

	create_ram();

	/* Documentation/arch/arm64/booting.rst: the Image header */
	load_file(image, 0);
	if (memcmp(ram + 56, "ARM\x64", 4)) {
		fprintf(stderr, "linux-vmm: %s is not an arm64 Image\n", image);
		exit(1);
	}
	memcpy(&text_offset, ram + 8, 8);
	if (text_offset) {
		memmove(ram + text_offset, ram, ram_size - POOL_SIZE - text_offset);
		memset(ram, 0, text_offset);
	}
	*entry = RAM_IPA + text_offset;

	initrd_size = load_file(initrd, initrd_off);
	dtb_off = ram_size - POOL_SIZE - (2UL << 20);
	build_dtb(ram + dtb_off, cmdline, RAM_IPA + initrd_off, initrd_size);
	*dtb = RAM_IPA + dtb_off;

	if (protected_vm && convert(0, ram_size, true))
		die("KVM_SET_MEMORY_ATTRIBUTES2 (all RAM private)");
}

/*
 * Host accesses to guest RAM for the device: a private page raises SIGBUS,
 * which guest_ptr() turns into a refusal.
 */
static __thread sigjmp_buf probe_env;
static __thread volatile bool probing;

static void on_sigbus(int sig)
{
	if (probing) {
		probing = false;
		siglongjmp(probe_env, 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static bool page_shared(const char *p)
{
	if (sigsetjmp(probe_env, 1))
		return false;
	probing = true;
	(void)*(volatile const char *)p;
	probing = false;
	return true;
}

/*
 * The VMM's address of guest [@gpa, @gpa + @len), if all of it is RAM that
 * the guest shares; NULL otherwise.
 */
static void *guest_ptr(uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa - RAM_IPA, p;

	if (gpa < RAM_IPA || len > ram_size || off > ram_size - len)
		return NULL;
	for (p = off & ~(page - 1); p < off + len; p += page)
		if (!page_shared(ram + p))
			return NULL;
	return ram + off;
}

/* The SBSA UART: transmit only, never busy. */
#define UARTDR		0x000
#define UARTFR		0x018
#define UARTFR_RXFE	(1U << 4)
#define UARTFR_TXFE	(1U << 7)

static void uart_access(uint64_t off, uint8_t *data, bool write)
{
	if (write && off == UARTDR) {
		putchar(data[0]);
		if (data[0] == '\n')
			fflush(stdout);
	} else if (!write && off == UARTFR) {
		data[0] = UARTFR_RXFE | UARTFR_TXFE;
	}
}

/* A virtio-mmio (v2) console: virtio spec 1.2, 4.2.2 and 5.3. */
#define VIRTIO_ID_CONSOLE		3
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33
#define VIRTQ_DESC_F_NEXT		1
#define VIRTQ_DESC_F_WRITE		2
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define QUEUE_MAX	64
#define RX		0
#define TX		1
#define MAX_LEN		(64U << 10)	/* per descriptor chain */

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

static struct {
	uint32_t status, isr, dev_features_sel, drv_features_sel, queue_sel;
	uint64_t drv_features;
	bool stopped;
	struct {
		uint32_t num, ready;
		uint64_t desc, avail, used;
		uint16_t last_avail;
	} q[2];
	char echo[4096];	/* what the guest wrote, not yet echoed */
	size_t echo_len;
	char line[256];		/* the current output line */
	size_t line_len;
} vio;

static void virtio_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "linux-vmm: virtio console stopped: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	vio.stopped = true;
	vio.status |= VIRTIO_STATUS_NEEDS_RESET;
	device_failed = true;
}

static void set_irq(int spi, bool level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + spi),
		.level = level,
	};

	if (no_guest)
		return;
	if (ioctl(vm_fd, KVM_IRQ_LINE, &irq))
		die("KVM_IRQ_LINE");
}

/*
 * What the guest writes to hvc0: printed line by line up to HVC_PRINTED
 * bytes, then only counted (the guest's throughput test writes MiBs), and
 * echoed back as far as the echo buffer holds it.
 */
#define HVC_PRINTED	4096

static void hvc_output(const char *buf, size_t len)
{
	bool quiet = hvc_bytes >= HVC_PRINTED;
	size_t i;

	hvc_bytes += len;
	for (i = 0; i < len && !quiet; i++) {
		if (buf[i] != '\n' && vio.line_len < sizeof(vio.line) - 1) {
			vio.line[vio.line_len++] = buf[i];
			continue;
		}
		printf("hvc0: %.*s\n", (int)vio.line_len, vio.line);
		fflush(stdout);
		vio.line_len = 0;
	}
	len = len < sizeof(vio.echo) - vio.echo_len ? len : sizeof(vio.echo) - vio.echo_len;
	memcpy(vio.echo + vio.echo_len, buf, len);
	vio.echo_len += len;
}

/*
 * Take the next chain that the driver made available on queue @qi, and
 * call @fn on each of its buffers, checked: in shared RAM, at most
 * MAX_LEN bytes in all, no loop, readable buffers before writable ones.
 * Return the chain's head and in *@written what @fn wrote, or -1.
 */
static int virtq_pop(int qi, size_t (*fn)(char *buf, uint32_t len, bool writable),
		     uint32_t *written)
{
	typeof(vio.q[0]) *q = &vio.q[qi];
	uint16_t *avail = guest_ptr(q->avail, 4 + 2 * q->num);
	struct virtq_desc *desc = guest_ptr(q->desc, 16 * q->num);
	uint32_t total = 0, n = 0;
	bool writable = false;
	uint16_t head, i;

	if (!avail || !desc) {
		virtio_fail("queue %d's rings are not in shared memory", qi);
		return -1;
	}
	if (__atomic_load_n(&avail[1], __ATOMIC_ACQUIRE) == q->last_avail)
		return -1;
	head = i = avail[2 + q->last_avail % q->num];
	*written = 0;
	for (;;) {
		struct virtq_desc d;
		char *buf;

		if (i >= q->num || ++n > q->num) {
			virtio_fail("queue %d: descriptor %u %s", qi, i,
				    i >= q->num ? "out of range" : "loops");
			return -1;
		}
		d = desc[i];
		total += d.len;
		if (d.len > MAX_LEN || total > MAX_LEN) {
			virtio_fail("queue %d: a chain of more than %u bytes", qi, MAX_LEN);
			return -1;
		}
		if (writable && !(d.flags & VIRTQ_DESC_F_WRITE)) {
			virtio_fail("queue %d: descriptor %u is readable after a writable one",
				    qi, i);
			return -1;
		}
		writable = d.flags & VIRTQ_DESC_F_WRITE;
		buf = guest_ptr(d.addr, d.len);
		if (!buf) {
			virtio_fail("queue %d: buffer at 0x%lx (%u bytes) is not in shared memory",
				    qi, (unsigned long)d.addr, d.len);
			return -1;
		}
		*written += fn(buf, d.len, writable);
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		i = d.next;
	}
	q->last_avail++;
	return head;
}

static void virtq_push(int qi, uint16_t head, uint32_t len)
{
	typeof(vio.q[0]) *q = &vio.q[qi];
	uint16_t *used = guest_ptr(q->used, 4 + 8 * q->num), idx;
	uint32_t *elem;

	if (!used) {
		virtio_fail("queue %d's used ring is not in shared memory", qi);
		return;
	}
	idx = used[1];
	elem = (uint32_t *)(used + 2) + 2 * (idx % q->num);
	elem[0] = head;
	elem[1] = len;
	__atomic_store_n(&used[1], (uint16_t)(idx + 1), __ATOMIC_RELEASE);
	vio.isr |= 1;
	set_irq(VIRTIO_SPI, true);
}

static size_t tx_buffer(char *buf, uint32_t len, bool writable)
{
	if (!writable)
		hvc_output(buf, len);
	return 0;
}

static size_t rx_buffer(char *buf, uint32_t len, bool writable)
{
	size_t n = len < vio.echo_len ? len : vio.echo_len;

	if (!writable)
		return 0;
	memcpy(buf, vio.echo, n);
	memmove(vio.echo, vio.echo + n, vio.echo_len - n);
	vio.echo_len -= n;
	return n;
}

static void virtio_process(void)
{
	uint32_t written;
	int head;

	if (vio.stopped)
		return;
	while (vio.q[TX].ready && (head = virtq_pop(TX, tx_buffer, &written)) >= 0)
		virtq_push(TX, head, 0);
	while (vio.echo_len && vio.q[RX].ready && !vio.stopped &&
	       (head = virtq_pop(RX, rx_buffer, &written)) >= 0)
		virtq_push(RX, head, written);
}

static void virtio_reset(void)
{
	memset(&vio, 0, sizeof(vio));
	set_irq(VIRTIO_SPI, false);
}

static uint64_t *queue_addr(uint64_t off)
{
	typeof(vio.q[0]) *q = &vio.q[vio.queue_sel & 1];

	if (off < 0x90)
		return &q->desc;
	return off < 0xa0 ? &q->avail : &q->used;
}

static void virtio_access(uint64_t off, uint8_t *data, uint32_t len, bool write)
{
	uint32_t val = 0;
	uint64_t features = 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_ACCESS_PLATFORM;

	if (len != 4) {
		if (!write)
			memset(data, 0, len);
		return;
	}
	memcpy(&val, data, 4);
	if (!write) {
		switch (off) {
		case 0x000: val = 0x74726976; break;	/* "virt" */
		case 0x004: val = 2; break;
		case 0x008: val = VIRTIO_ID_CONSOLE; break;
		case 0x00c: val = 0x554d4551; break;
		case 0x010: val = features >> (32 * (vio.dev_features_sel & 1)); break;
		case 0x034: val = vio.queue_sel < 2 ? QUEUE_MAX : 0; break;
		case 0x044: val = vio.q[vio.queue_sel & 1].ready; break;
		case 0x060: val = vio.isr; break;
		case 0x070: val = vio.status; break;
		default: val = 0; break;
		}
		memcpy(data, &val, 4);
		return;
	}
	switch (off) {
	case 0x014: vio.dev_features_sel = val; break;
	case 0x020:
		if (vio.drv_features_sel < 2)
			vio.drv_features |= (uint64_t)val << (32 * vio.drv_features_sel);
		break;
	case 0x024: vio.drv_features_sel = val; break;
	case 0x030: vio.queue_sel = val; break;
	case 0x038:
		if (vio.queue_sel < 2 && val && val <= QUEUE_MAX && !(val & (val - 1)))
			vio.q[vio.queue_sel].num = val;
		break;
	case 0x044:
		if (vio.queue_sel < 2)
			vio.q[vio.queue_sel].ready = val & 1;
		break;
	case 0x050: virtio_process(); break;
	case 0x064:
		vio.isr &= ~val;
		if (!vio.isr)
			set_irq(VIRTIO_SPI, false);
		break;
	case 0x070:
		if (!val)
			virtio_reset();
		else
			vio.status = val;
		break;
	case 0x080: case 0x090: case 0x0a0:
		*queue_addr(off) = (*queue_addr(off) & ~0xffffffffULL) | val;
		break;
	case 0x084: case 0x094: case 0x0a4:
		*queue_addr(off) = (*queue_addr(off) & 0xffffffffULL) | (uint64_t)val << 32;
		break;
	}
}

#define CORE_REG(r)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(regs.r))

static uint64_t get_reg(int vcpu_fd, uint64_t id)
{
	uint64_t val;
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(vcpu_fd, KVM_GET_ONE_REG, &reg))
		die("KVM_GET_ONE_REG");
	return val;
}

static void set_reg(int vcpu_fd, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(vcpu_fd, KVM_SET_ONE_REG, &reg))
		die("KVM_SET_ONE_REG");
}

/*
 * A MEM_SHARE or MEM_UNSHARE the filter forwarded: convert the page, in
 * place, and answer in x0.  A page the host still holds (none here: the VMM
 * takes no references) would make the conversion to private fail with
 * EAGAIN for a while.
 */
static void mem_call(int vcpu_fd, uint32_t func)
{
	uint64_t ipa = get_reg(vcpu_fd, CORE_REG(regs[1]));
	bool private = func == MEM_UNSHARE_FUNC_ID;
	int64_t ret = SMCCC_RET_SUCCESS;
	int tries = 0;

	if (ipa % page || ipa < RAM_IPA || ipa - RAM_IPA >= ram_size) {
		ret = SMCCC_RET_INVALID_PARAMETER;
	} else {
		while (convert(ipa - RAM_IPA, page, private)) {
			if (errno != EAGAIN || ++tries > 1000)
				die("KVM_SET_MEMORY_ATTRIBUTES2");
			usleep(100);
		}
		if (private)
			nr_unshare++;
		else
			nr_share++;
	}
	set_reg(vcpu_fd, CORE_REG(regs[0]), ret);
}

static void forward_mem_calls(void)
{
	struct kvm_smccc_filter filter = {
		.base = MEM_SHARE_FUNC_ID,
		.nr_functions = 2,	/* MEM_SHARE, MEM_UNSHARE */
		.action = KVM_SMCCC_FILTER_FWD_TO_USER,
	};
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
		.addr = (uintptr_t)&filter,
	};

	if (ioctl(vm_fd, KVM_SET_DEVICE_ATTR, &attr))
		die("KVM_ARM_VM_SMCCC_FILTER");
}

static int gic_fd;

static void gic_attr(uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	if (ioctl(gic_fd, KVM_SET_DEVICE_ATTR, &a))
		die("vGIC attribute");
}

static void setup_gic(void)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = GIC_DIST_IPA, redist = GIC_REDIST_IPA;
	uint32_t nr_irqs = 128;

	if (ioctl(vm_fd, KVM_CREATE_DEVICE, &dev))
		die("KVM_CREATE_DEVICE(vGICv3)");
	gic_fd = dev.fd;
	gic_attr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist);
	gic_attr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist);
	gic_attr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	gic_attr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
}

struct vcpu {
	pthread_t thread;
	int fd;
	struct kvm_run *run;
};

static struct vcpu vcpus[MAX_CPUS];
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static uint32_t system_event;	/* 0 until the guest powers off or resets */

static void create_vcpus(uint64_t entry, uint64_t dtb)
{
	struct kvm_vcpu_init init;
	int i, size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (ioctl(vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1 << KVM_ARM_VCPU_PSCI_0_2;
	for (i = 0; i < nr_cpus; i++) {
		struct vcpu *v = &vcpus[i];

		v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, i);
		if (v->fd < 0)
			die("KVM_CREATE_VCPU");
		/* Secondaries wait for the guest's PSCI CPU_ON. */
		if (i == 1)
			init.features[0] |= 1 << KVM_ARM_VCPU_POWER_OFF;
		if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init))
			die("KVM_ARM_VCPU_INIT");
		v->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
		if (v->run == MAP_FAILED)
			die("mmap(vcpu)");
	}
	/* booting.rst: x0 is the device tree's address, x1-x3 are zero. */
	set_reg(vcpus[0].fd, CORE_REG(pc), entry);
	set_reg(vcpus[0].fd, CORE_REG(regs[0]), dtb);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct kvm_run *run = v->run;

	for (;;) {
		if (ioctl(v->fd, KVM_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("KVM_RUN");
		}
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			pthread_mutex_lock(&lock);
			if (run->mmio.phys_addr - UART_IPA < 0x1000)
				uart_access(run->mmio.phys_addr - UART_IPA, run->mmio.data,
					    run->mmio.is_write);
			else if (run->mmio.phys_addr - VIRTIO_IPA < VIRTIO_SIZE)
				virtio_access(run->mmio.phys_addr - VIRTIO_IPA, run->mmio.data,
					      run->mmio.len, run->mmio.is_write);
			else if (!run->mmio.is_write)
				memset(run->mmio.data, 0, run->mmio.len);
			pthread_mutex_unlock(&lock);
			break;
		case KVM_EXIT_HYPERCALL:
			pthread_mutex_lock(&lock);
			mem_call(v->fd, run->hypercall.nr);
			pthread_mutex_unlock(&lock);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			pthread_mutex_lock(&done_lock);
			system_event = run->system_event.type;
			pthread_cond_signal(&done_cond);
			pthread_mutex_unlock(&done_lock);
			return NULL;
		default:
			fprintf(stderr, "linux-vmm: vCPU %ld: exit reason %u\n",
				(long)(v - vcpus), run->exit_reason);
			exit(1);
		}
	}
}

/*
 * The device's checks, without a guest: chains that the VMM builds on the
 * transmit queue in shared RAM, each of which must stop the device (but
 * the last), with one page of RAM made private.  Return 0 if all did.
 */
#define T_DESC		0x1000UL	/* offsets in RAM of the rings */
#define T_AVAIL		0x2000UL
#define T_USED		0x3000UL
#define T_BUF		0x10000UL	/* 64 KiB and more, shared */
#define T_PRIVATE	0x5000UL	/* the private page */

static const struct device_case {
	const char *what;
	uint64_t desc;			/* where the descriptor table is */
	struct virtq_desc d[2];		/* the chain, from descriptor 0 */
	uint16_t head;
	bool stops;
} device_cases[] = {
	{ "rings in a private page", T_PRIVATE,
	  { { RAM_IPA + T_BUF, 16, 0, 0 } }, 0, true },
	{ "a buffer in a private page", T_DESC,
	  { { RAM_IPA + T_PRIVATE, 16, 0, 0 } }, 0, true },
	{ "a buffer across a private page", T_DESC,
	  { { RAM_IPA + T_PRIVATE - 8, 16, 0, 0 } }, 0, true },
	{ "a buffer outside RAM", T_DESC,
	  { { 0x1000, 16, 0, 0 } }, 0, true },
	{ "a descriptor loop", T_DESC,
	  { { RAM_IPA + T_BUF, 16, VIRTQ_DESC_F_NEXT, 1 },
	    { RAM_IPA + T_BUF, 16, VIRTQ_DESC_F_NEXT, 0 } }, 0, true },
	{ "a descriptor out of range", T_DESC,
	  { { RAM_IPA + T_BUF, 16, 0, 0 } }, QUEUE_MAX, true },
	{ "an oversized length", T_DESC,
	  { { RAM_IPA + T_BUF, MAX_LEN + 1, 0, 0 } }, 0, true },
	{ "a chain over the length limit", T_DESC,
	  { { RAM_IPA + T_BUF, MAX_LEN, VIRTQ_DESC_F_NEXT, 1 },
	    { RAM_IPA + T_BUF, 1, 0, 0 } }, 0, true },
	{ "a readable buffer after a writable one", T_DESC,
	  { { RAM_IPA + T_BUF, 16, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1 },
	    { RAM_IPA + T_BUF, 16, 0, 0 } }, 0, true },
	{ "a good chain", T_DESC,
	  { { RAM_IPA + T_BUF, 16, 0, 0 } }, 0, false },
};

static int device_test(void)
{
	int i, failed = 0;

	create_ram();
	if (convert(T_PRIVATE, page, true))
		die("KVM_SET_MEMORY_ATTRIBUTES2 (a private page)");
	memset(ram + T_BUF, 'x', 15);
	ram[T_BUF + 15] = '\n';

	for (i = 0; i < (int)(sizeof(device_cases) / sizeof(device_cases[0])); i++) {
		const struct device_case *c = &device_cases[i];
		uint16_t *avail = (uint16_t *)(ram + T_AVAIL);
		bool stopped;

		virtio_reset();
		memset(ram + T_DESC, 0, 3 * page);
		memcpy(ram + T_DESC, c->d, sizeof(c->d));
		avail[1] = 1;
		avail[2] = c->head;
		vio.q[TX].num = QUEUE_MAX;
		vio.q[TX].ready = 1;
		vio.q[TX].desc = RAM_IPA + c->desc;
		vio.q[TX].avail = RAM_IPA + T_AVAIL;
		vio.q[TX].used = RAM_IPA + T_USED;
		virtio_process();
		stopped = vio.stopped;
		printf("linux-vmm: device test: %s: %s\n", c->what,
		       stopped ? "stopped" : "served");
		fflush(stdout);
		if (stopped != c->stops)
			failed++;
	}
	printf("linux-vmm: device test: %d of %d cases as expected\n",
	       i - failed, i);
	return failed ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: linux_vmm [-D] [-c cpus] [-m MiB] [-t seconds] IMAGE INITRAMFS CMDLINE\n"
			"       linux_vmm -T    (the virtio device's checks, without a guest)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	int opt, i, timeout = 300;
	uint64_t entry, dtb;
	struct timespec until;
	double start;

	while ((opt = getopt(argc, argv, "DTc:m:t:")) != -1) {
		switch (opt) {
		case 'D': protected_vm = false; break;
		case 'T': no_guest = true; break;
		case 'c': nr_cpus = atoi(optarg); break;
		case 'm': ram_size = strtoul(optarg, NULL, 0) << 20; break;
		case 't': timeout = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != (no_guest ? 0 : 3) || nr_cpus < 1 || nr_cpus > MAX_CPUS ||
	    ram_size < (128UL << 20))
		usage();
	page = getpagesize();
	sigaction(SIGBUS, &sa, NULL);

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die("/dev/kvm");
	/* The IPA size bits are 0: the default, 40 bits. */
	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, protected_vm ? KVM_VM_TYPE_ARM_PROTECTED : 0);
	if (vm_fd < 0)
		die("KVM_CREATE_VM");
	if (no_guest)
		return device_test();
	setup_memory(argv[optind], argv[optind + 1], argv[optind + 2], &entry, &dtb);
	create_vcpus(entry, dtb);
	setup_gic();
	if (protected_vm)
		forward_mem_calls();

	start = now();
	for (i = 0; i < nr_cpus; i++)
		pthread_create(&vcpus[i].thread, NULL, vcpu_thread, &vcpus[i]);

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout;
	pthread_mutex_lock(&done_lock);
	while (!system_event)
		if (pthread_cond_timedwait(&done_cond, &done_lock, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&done_lock);

	pthread_mutex_lock(&lock);
	fflush(stdout);
	printf("linux-vmm: %s VM, %d vCPUs, %s after %.1f s, MEM_SHARE %lu, MEM_UNSHARE %lu, DMA pool %lu pages, hvc0 %lu bytes\n",
	       protected_vm ? "protected" : "default", nr_cpus,
	       system_event == KVM_SYSTEM_EVENT_SHUTDOWN ? "power-off" :
	       system_event ? "reset or crash" : "timeout", now() - start,
	       nr_share, nr_unshare, POOL_SIZE / page, hvc_bytes);
	fflush(stdout);
	_exit(system_event == KVM_SYSTEM_EVENT_SHUTDOWN && !device_failed ? 0 : 1);
}
