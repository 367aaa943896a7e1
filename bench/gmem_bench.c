// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_bench - costs of guest_memfd in-place shared/private conversion
 *
 * Three measurements, each printed on lines of its own with its goal:
 *
 *  fault:   host first-touch fault cost of a fresh guest_memfd mapping
 *	     (MMAP | INIT_SHARED, default VM) against a memfd_create() (shmem)
 *	     mapping of the same size: one byte written per page, ns per page
 *	     for each.  The two run in turn, -r times each, and each pair of
 *	     runs gives a ratio: their median, min and max are printed.  Goal:
 *	     gmem/memfd <= 1.0 for pages touched in order, "noisy, no figure"
 *	     when the ratios spread wider than their median lies from the
 *	     goal; the ratios for a mapping placed at a 2 MiB boundary and for
 *	     pages touched in a random order are printed too.
 *  convert: a guest_memfd of a protected VM (MMAP | INIT_SHARED), mapped and
 *	     populated by the host, converted to private and back to shared in
 *	     2 MiB chunks while it stays mapped (the host unmap is part of the
 *	     cost), against a memcpy() of the same size between two populated
 *	     anonymous buffers; best of -R runs.  Goal: convert/memcpy <= 0.5.
 *  state:   slab memory of the per-inode shared/private state of a 4 GiB
 *	     guest_memfd of a protected VM, (a) freshly created (all private)
 *	     and (b) in alternating 2 MiB runs, from the maple_node line of
 *	     /proc/slabinfo.  Goals: (a) <= 1 KiB, (b) <= 64 KiB.
 *
 * The last line says which goals were met.  The exit status is 0 when every
 * measurement could be made, whether or not its goal was met, and 1
 * otherwise.  Under TCG the absolute times mean little: read the ratios.
 *
 * Options: -m MiB  fault size (256)         -r N  fault runs (5)
 *	    -s MiB  conversion size (1024)   -R N  conversion runs (3)
 *	    -k N    guest_memfds measured together for the state (64)
 *
 * The state figures need /proc/slabinfo (CONFIG_SLUB_DEBUG) and maple_node
 * in a cache of its own (slab_nomerge, or CONFIG_SLAB_MERGE_DEFAULT=n).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <linux/kvm.h>

#include "bench_util.h"

#define MIB		(1UL << 20)
#define CHUNK		(2 * MIB)
#define STATE_SIZE	(4096 * MIB)
#define MAX_RUNS	64
#define MAX_COPIES	512

struct opts {
	unsigned long fault_mib;
	unsigned long conv_mib;
	bool conv_mib_given;
	int fault_runs;
	int conv_runs;
	int copies;
};

/* -1: not measured, 0: goal missed, 1: goal met */
enum { FAULT, CONVERT, STATE_UNIFORM, STATE_RUNS, NR_GOALS };
static const char * const goal_name[NR_GOALS] = {
	"fault", "convert", "state-uniform", "state-runs",
};
static int goal_met[NR_GOALS] = { -1, -1, -1, -1 };

static long page_size;
static int kvm_fd = -1;

static uint64_t best(const uint64_t *v, int n)
{
	uint64_t b = v[0];
	int i;

	for (i = 1; i < n; i++)
		if (v[i] < b)
			b = v[i];
	return b;
}

/* A goal's verdict: goal_met[] holds one, or -1 before it is measured. */
enum { NOT_MET, MET, NOISY };

static const char *met(int m)
{
	return m == NOISY ? "noisy, no figure" : m == MET ? "met" : "NOT met";
}

/* A ratio measured over several runs: its median and its spread. */
struct spread {
	double min, median, max;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v. */
static struct spread spread_of(double *v, int n)
{
	struct spread s;

	qsort(v, n, sizeof(*v), cmp_double);
	s.min = v[0];
	s.max = v[n - 1];
	s.median = n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return s;
}

/*
 * Whether a ratio's median is at most @goal, unless the runs spread wider
 * than the median lies from the goal: then they can't tell.
 */
static int verdict(struct spread s, double goal)
{
	double distance = s.median > goal ? s.median - goal : goal - s.median;

	if (s.max - s.min > distance)
		return NOISY;
	return s.median <= goal ? MET : NOT_MET;
}

static int create_vm(unsigned long type, const char *what)
{
	int fd = ioctl(kvm_fd, KVM_CREATE_VM, type);

	if (fd < 0)
		printf("error: KVM_CREATE_VM (%s): %s\n", what, strerror(errno));
	return fd;
}

static int create_gmem(int vm_fd, uint64_t size, uint64_t flags)
{
	struct kvm_create_guest_memfd args = {
		.size = size,
		.flags = flags,
	};
	int fd = ioctl(vm_fd, KVM_CREATE_GUEST_MEMFD, &args);

	if (fd < 0)
		printf("error: KVM_CREATE_GUEST_MEMFD size %llu flags %#llx: %s\n",
		       (unsigned long long)size, (unsigned long long)flags,
		       strerror(errno));
	return fd;
}

static int set_attributes(int gmem_fd, uint64_t offset, uint64_t size,
			  uint64_t attributes)
{
	struct kvm_memory_attributes2 attr = {
		.offset = offset,
		.size = size,
		.attributes = attributes,
	};

	if (!ioctl(gmem_fd, KVM_SET_MEMORY_ATTRIBUTES2, &attr))
		return 0;
	printf("error: KVM_SET_MEMORY_ATTRIBUTES2 offset %#llx size %#llx to %s: %s",
	       (unsigned long long)offset, (unsigned long long)size,
	       attributes ? "private" : "shared", strerror(errno));
	if (errno == EAGAIN)
		printf(" (busy page at %#llx)",
		       (unsigned long long)attr.error_offset);
	printf("\n");
	return -1;
}

static void *map_shared(int fd, size_t size, const char *what)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		printf("error: mmap %s: %s\n", what, strerror(errno));
		return NULL;
	}
	return p;
}

/* How the pages of a fault run are touched. */
enum touch { IN_ORDER, ALIGNED_2M, RANDOM_ORDER, NR_TOUCH };

static const char *const touch_name[NR_TOUCH] = {
	[IN_ORDER]	= "in order",
	[ALIGNED_2M]	= "in order, mapping at a 2 MiB boundary",
	[RANDOM_ORDER]	= "in a random order",
};

/* The page offsets of a fault run, in the order they are touched. */
static size_t *touch_order;

/*
 * Lay out the page offsets of @size bytes in order, or shuffled with a
 * fixed seed, so that both files of a run see the same order.
 */
static int set_touch_order(size_t size, enum touch how)
{
	size_t i, j, tmp, pages = size / page_size;

	free(touch_order);
	touch_order = malloc(pages * sizeof(*touch_order));
	if (!touch_order) {
		printf("error: out of memory for %zu page offsets\n", pages);
		return -1;
	}
	for (i = 0; i < pages; i++)
		touch_order[i] = i * page_size;
	srandom(1);
	for (i = pages - 1; how == RANDOM_ORDER && i > 0; i--) {
		j = random() % (i + 1);
		tmp = touch_order[i];
		touch_order[i] = touch_order[j];
		touch_order[j] = tmp;
	}
	return 0;
}

/* Write one byte in each page of [p, p + size), timed. */
static uint64_t touch_pages(volatile uint8_t *p, size_t size)
{
	size_t i, pages = size / page_size;
	uint64_t t0 = now_ns();

	for (i = 0; i < pages; i++)
		p[touch_order[i]] = 1;
	return now_ns() - t0;
}

/*
 * Map @fd where @how says, time writing one byte per page, unmap, close
 * @fd; 0 on error.  A 2 MiB boundary is found by reserving 2 MiB more of
 * address space and mapping the file over it.
 */
static uint64_t first_touch(int fd, size_t size, enum touch how,
			    const char *what)
{
	size_t slack = how == ALIGNED_2M ? CHUNK : 0;
	uint8_t *res, *p;
	uint64_t t = 0;

	res = mmap(NULL, size + slack, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED) {
		printf("error: mmap reservation for %s: %s\n", what,
		       strerror(errno));
		close(fd);
		return 0;
	}
	p = res;
	if (slack)
		p = (uint8_t *)(((uintptr_t)res + CHUNK - 1) & ~(CHUNK - 1));
	if (mmap(p, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		 0) == MAP_FAILED)
		printf("error: mmap %s: %s\n", what, strerror(errno));
	else
		t = touch_pages(p, size);
	munmap(res, size + slack);
	close(fd);
	return t;
}

/* ns to fault in a fresh guest_memfd mapping, or 0 on error. */
static uint64_t fault_gmem(int vm_fd, size_t size, enum touch how)
{
	int fd;

	fd = create_gmem(vm_fd, size,
			 GUEST_MEMFD_FLAG_MMAP | GUEST_MEMFD_FLAG_INIT_SHARED);
	if (fd < 0)
		return 0;
	return first_touch(fd, size, how, "guest_memfd");
}

/* ns to fault in a fresh memfd (shmem) mapping, or 0 on error. */
static uint64_t fault_memfd(size_t size, enum touch how)
{
	int fd;

	fd = memfd_create("gmem_bench", MFD_CLOEXEC);
	if (fd < 0) {
		printf("error: memfd_create: %s\n", strerror(errno));
		return 0;
	}
	if (ftruncate(fd, size)) {
		printf("error: ftruncate memfd: %s\n", strerror(errno));
		close(fd);
		return 0;
	}
	return first_touch(fd, size, how, "memfd");
}

/*
 * gmem/memfd of the first-touch times of each of -r pairs of runs, and the
 * median times in @g and @m; -1 on error.
 */
static int fault_ratio(const struct opts *o, int vm_fd, enum touch how,
		       struct spread *ratio, uint64_t *g, uint64_t *m)
{
	uint64_t gmem[MAX_RUNS], memfd[MAX_RUNS];
	size_t size = o->fault_mib * MIB;
	double pair[MAX_RUNS];
	int i;

	if (set_touch_order(size, how))
		return -1;

	/* Alternate the two, so that drift in the host hits both alike. */
	for (i = 0; i < o->fault_runs; i++) {
		if (i & 1) {
			memfd[i] = fault_memfd(size, how);
			gmem[i] = fault_gmem(vm_fd, size, how);
		} else {
			gmem[i] = fault_gmem(vm_fd, size, how);
			memfd[i] = fault_memfd(size, how);
		}
		if (!gmem[i] || !memfd[i])
			return -1;
		pair[i] = (double)gmem[i] / memfd[i];
	}
	*ratio = spread_of(pair, o->fault_runs);
	*g = median(gmem, o->fault_runs);
	*m = median(memfd, o->fault_runs);
	return 0;
}

static int bench_fault(const struct opts *o)
{
	unsigned long pages = o->fault_mib * MIB / page_size;
	const uint64_t want = GUEST_MEMFD_FLAG_MMAP |
			      GUEST_MEMFD_FLAG_INIT_SHARED;
	struct spread ratio[NR_TOUCH];
	int vm_fd, how, r = -1;
	uint64_t g, m;
	long flags;

	vm_fd = create_vm(0, "default VM");
	if (vm_fd < 0)
		return -1;
	flags = ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_MEMFD_FLAGS);
	if (flags < 0 || (flags & want) != want) {
		printf("error: default VM: KVM_CAP_GUEST_MEMFD_FLAGS is %ld, lacks MMAP|INIT_SHARED\n",
		       flags);
		goto out;
	}

	printf("fault: %lu MiB, %lu pages, one write per page, %d pairs of runs, in turn\n",
	       o->fault_mib, pages, o->fault_runs);
	for (how = 0; how < NR_TOUCH; how++) {
		if (fault_ratio(o, vm_fd, how, &ratio[how], &g, &m))
			goto out;
		printf("fault: %s: guest_memfd %.0f ns/page, memfd (shmem) %.0f ns/page (medians): ratio of the pairs %.2f (%.2f - %.2f)\n",
		       touch_name[how], (double)g / pages, (double)m / pages,
		       ratio[how].median, ratio[how].min, ratio[how].max);
	}
	goal_met[FAULT] = verdict(ratio[IN_ORDER], 1.0);
	printf("fault: ratio gmem/memfd: %.2f, min %.2f, max %.2f (goal <= 1.0): %s\n",
	       ratio[IN_ORDER].median, ratio[IN_ORDER].min, ratio[IN_ORDER].max,
	       met(goal_met[FAULT]));
	r = 0;
out:
	free(touch_order);
	touch_order = NULL;
	close(vm_fd);
	return r;
}

/* ns for a memcpy() of @size between populated anonymous buffers. */
static uint64_t time_memcpy(size_t size, int runs)
{
	uint64_t t[MAX_RUNS];
	uint8_t *a, *b;
	int i;

	a = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED || b == MAP_FAILED) {
		printf("error: mmap 2 x %zu MiB anonymous: %s\n",
		       size / MIB, strerror(errno));
		return 0;
	}
	memset(a, 0x5a, size);
	memset(b, 0xa5, size);
	for (i = 0; i < runs; i++) {
		uint64_t t0 = now_ns();

		memcpy(b, a, size);
		t[i] = now_ns() - t0;
		a[0]++;
	}
	if (b[size - 1] != 0x5a) {
		printf("error: memcpy result wrong\n");
		t[0] = 0;
	}
	munmap(a, size);
	munmap(b, size);
	return t[0] ? best(t, runs) : 0;
}

/*
 * Write a per-page marker into every page of the mapping, after checking
 * that the page still holds the marker of the previous pass (@check):
 * conversions must keep the contents.  Returns the number of bad pages.
 */
static unsigned long fill_pages(volatile uint8_t *p, size_t size,
				unsigned int pass, bool check)
{
	unsigned long bad = 0, i;

	for (i = 0; i < size / page_size; i++) {
		volatile uint8_t *b = p + i * page_size;

		if (check && *b != (uint8_t)(i + pass - 1))
			bad++;
		*b = i + pass;
	}
	return bad;
}

static int bench_convert(const struct opts *o, int pvm_fd)
{
	size_t size = o->conv_mib * MIB, off;
	uint64_t t[MAX_RUNS], conv, copy;
	struct sysinfo si;
	unsigned long free_mib;
	uint8_t *p = NULL;
	double ratio;
	int fd, i, r = -1;

	/* memcpy() needs two buffers at once; the guest_memfd comes after. */
	if (sysinfo(&si)) {
		printf("error: sysinfo: %s\n", strerror(errno));
		return -1;
	}
	free_mib = (unsigned long)((uint64_t)si.freeram * si.mem_unit / MIB);
	if (free_mib < 2 * o->conv_mib + 128) {
		printf("error: convert: %lu MiB does not fit (%lu MiB free, %lu needed): pass a smaller -s MiB or give QEMU more memory\n",
		       o->conv_mib, free_mib, 2 * o->conv_mib + 128);
		return -1;
	}

	copy = time_memcpy(size, o->conv_runs);
	if (!copy)
		return -1;

	fd = create_gmem(pvm_fd, size,
			 GUEST_MEMFD_FLAG_MMAP | GUEST_MEMFD_FLAG_INIT_SHARED);
	if (fd < 0)
		return -1;
	p = map_shared(fd, size, "guest_memfd");
	if (!p)
		goto out;

	/* The first fill allocates; later ones fault the same pages back in. */
	fill_pages(p, size, 1, false);
	for (i = 0; i < o->conv_runs; i++) {
		uint64_t t0 = now_ns();

		for (off = 0; off < size; off += CHUNK) {
			if (set_attributes(fd, off, CHUNK,
					   KVM_MEMORY_ATTRIBUTE_PRIVATE) ||
			    set_attributes(fd, off, CHUNK, 0))
				goto out;
		}
		t[i] = now_ns() - t0;

		if (fill_pages(p, size, i + 2, true)) {
			printf("error: convert: page contents changed by a conversion\n");
			goto out;
		}
	}
	conv = best(t, o->conv_runs);
	ratio = (double)conv / copy;
	goal_met[CONVERT] = ratio <= 0.5 ? MET : NOT_MET;

	printf("convert: %lu MiB%s, %lu chunks of 2 MiB, each to private then to shared, mapped and populated; best of %d runs\n",
	       o->conv_mib,
	       o->conv_mib_given ? " (from -s)" : " (default)",
	       (unsigned long)(size / CHUNK), o->conv_runs);
	printf("convert: conversion pass: %.3f s\n", conv / 1e9);
	printf("convert: memcpy of %lu MiB: %.3f s\n", o->conv_mib, copy / 1e9);
	printf("convert: ratio convert/memcpy: %.2f (goal <= 0.5): %s\n",
	       ratio, met(goal_met[CONVERT]));
	r = 0;
out:
	if (p)
		munmap(p, size);
	close(fd);
	return r;
}

struct slab_reading {
	unsigned long active;		/* active_objs */
	unsigned long objsize;
	unsigned long per_slab;
};

/* A static buffer: reading slabinfo must not allocate (see bench_state). */
static char slabinfo[1 << 18];

static int read_maple_node(struct slab_reading *s)
{
	static const char key[] = "\nmaple_node ";
	ssize_t n, len = 0;
	char *line;
	int fd;

	fd = open("/proc/slabinfo", O_RDONLY);
	if (fd < 0) {
		printf("error: state: cannot open /proc/slabinfo: %s%s\n",
		       strerror(errno),
		       errno == ENOENT ? " (kernel lacks CONFIG_SLUB_DEBUG)" : "");
		return -1;
	}
	slabinfo[len++] = '\n';
	while ((n = read(fd, slabinfo + len, sizeof(slabinfo) - 1 - len)) > 0)
		len += n;
	close(fd);
	if (n < 0) {
		printf("error: state: reading /proc/slabinfo: %s\n",
		       strerror(errno));
		return -1;
	}
	slabinfo[len] = '\0';

	line = strstr(slabinfo, key);
	if (!line) {
		printf("error: state: /proc/slabinfo has no maple_node line: the maple_node cache is merged into another cache; boot with slab_nomerge\n");
		return -1;
	}
	if (sscanf(line + sizeof(key) - 1, "%lu %*u %lu %lu",
		   &s->active, &s->objsize, &s->per_slab) != 3) {
		printf("error: state: cannot parse the maple_node line of /proc/slabinfo\n");
		return -1;
	}
	return 0;
}

/*
 * Read maple_node once it has settled: maple tree nodes are freed through
 * RCU, so nodes replaced a moment ago (by us, or by the munmap()s of the
 * earlier benchmarks) reach the slab only after a grace period.
 */
static int read_settled(struct slab_reading *s)
{
	const struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	struct slab_reading prev;
	int same = 0, i;

	if (read_maple_node(&prev))
		return -1;
	for (i = 0; i < 150 && same < 3; i++) {
		nanosleep(&pause, NULL);
		if (read_maple_node(s))
			return -1;
		same = s->active == prev.active ? same + 1 : 0;
		prev = *s;
	}
	*s = prev;
	return 0;
}

/*
 * /proc/slabinfo is a global count: every maple tree in the kernel takes
 * its nodes from maple_node, above all the VMA tree of each mm.  So between
 * the readings this process does nothing but create and convert the
 * guest_memfds: no mmap() or munmap(), no malloc() (which may brk() or
 * mmap()), no stdio (its buffer is allocated at first use: the earlier
 * output has done that), no new VM.  The rest of the system is idle.
 *
 * SLUB counts the objects of each CPU's current slab as active whether or
 * not they are allocated, so a reading moves in steps of up to a slab: to
 * see a state of a few hundred bytes, -k identical guest_memfds are created
 * and converted between the same readings and the delta is divided by -k.
 * The process stays on one CPU so that it uses one CPU slab.
 */
static int bench_state(const struct opts *o, int pvm_fd)
{
	static int fds[MAX_COPIES];
	struct slab_reading before, created, converted;
	unsigned long runs = STATE_SIZE / CHUNK;
	long uniform, alternating, resolution;
	int i, n = 0, r = -1;
	cpu_set_t cpus;
	uint64_t off;

	/* Fail early, before anything is created. */
	if (read_maple_node(&before))
		return -1;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		printf("warning: state: cannot pin to CPU 0: %s\n",
		       strerror(errno));
	fflush(stdout);

	if (read_settled(&before))
		goto out;
	for (n = 0; n < o->copies; n++) {
		fds[n] = create_gmem(pvm_fd, STATE_SIZE, GUEST_MEMFD_FLAG_MMAP);
		if (fds[n] < 0)
			goto out;
	}
	if (read_settled(&created))
		goto out;
	for (i = 0; i < n; i++) {
		for (off = 0; off < STATE_SIZE; off += 2 * CHUNK)
			if (set_attributes(fds[i], off, CHUNK, 0))
				goto out;
	}
	if (read_settled(&converted))
		goto out;

	uniform = ((long)created.active - (long)before.active) *
		  (long)before.objsize / n;
	alternating = ((long)converted.active - (long)before.active) *
		      (long)before.objsize / n;
	resolution = (long)before.per_slab * before.objsize / n;
	goal_met[STATE_UNIFORM] = uniform <= 1024 ? MET : NOT_MET;
	goal_met[STATE_RUNS] = alternating <= 64 * 1024 ? MET : NOT_MET;

	printf("state: maple_node %lu B objects, %lu per slab; active_objs %lu before, %lu created, %lu converted\n",
	       before.objsize, before.per_slab, before.active, created.active,
	       converted.active);
	printf("state: %d guest_memfds of %lu MiB measured together, per guest_memfd below; resolution about %ld B\n",
	       n, STATE_SIZE / MIB, resolution);
	printf("state: (a) uniform, fresh and private: %ld B (goal <= 1024 B): %s\n",
	       uniform, met(goal_met[STATE_UNIFORM]));
	printf("state: (b) alternating 2 MiB runs (%lu runs): %ld B (goal <= 65536 B): %s\n",
	       runs, alternating, met(goal_met[STATE_RUNS]));
	r = 0;
out:
	while (n > 0)
		close(fds[--n]);
	return r;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-m fault_MiB] [-r fault_runs] [-s convert_MiB] [-R convert_runs] [-k state_copies]\n",
		prog);
	exit(1);
}

static long arg(const char *s, long min, long max, const char *prog)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		usage(prog);
	return v;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.fault_mib = 256,
		.conv_mib = 1024,
		.fault_runs = 5,
		.conv_runs = 3,
		.copies = 64,
	};
	int c, i, pvm_fd, nr_met = 0, failed = 0;
	long attrs;

	while ((c = getopt(argc, argv, "m:r:s:R:k:")) != -1) {
		switch (c) {
		case 'm':
			o.fault_mib = arg(optarg, 1, 1L << 20, argv[0]);
			break;
		case 'r':
			o.fault_runs = arg(optarg, 1, MAX_RUNS, argv[0]);
			break;
		case 's':
			o.conv_mib = arg(optarg, 2, 1L << 20, argv[0]) & ~1UL;
			o.conv_mib_given = true;
			break;
		case 'R':
			o.conv_runs = arg(optarg, 1, MAX_RUNS, argv[0]);
			break;
		case 'k':
			o.copies = arg(optarg, 1, MAX_COPIES, argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}

	/* Line-buffered stdout, its buffer allocated now (see bench_state). */
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	printf("gmem_bench: page size %ld, %ld CPUs online\n", page_size,
	       sysconf(_SC_NPROCESSORS_ONLN));

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		printf("error: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}

	if (bench_fault(&o))
		failed++;

	pvm_fd = create_vm(KVM_VM_TYPE_ARM_PROTECTED, "protected VM");
	if (pvm_fd >= 0) {
		attrs = ioctl(pvm_fd, KVM_CHECK_EXTENSION,
			      KVM_CAP_GUEST_MEMFD_MEMORY_ATTRIBUTES);
		if (!(attrs > 0 && (attrs & KVM_MEMORY_ATTRIBUTE_PRIVATE))) {
			printf("error: protected VM: KVM_CAP_GUEST_MEMFD_MEMORY_ATTRIBUTES is %ld\n",
			       attrs);
			close(pvm_fd);
			pvm_fd = -1;
		}
	}
	if (pvm_fd < 0 || bench_convert(&o, pvm_fd))
		failed++;
	if (pvm_fd < 0 || bench_state(&o, pvm_fd))
		failed++;

	printf("goals met:");
	for (i = 0; i < NR_GOALS; i++) {
		printf(" %s %s", goal_name[i], goal_met[i] < 0 ? "n/a" :
		       goal_met[i] == NOISY ? "noisy" :
		       goal_met[i] == MET ? "yes" : "no");
		nr_met += goal_met[i] == MET;
	}
	printf(" (%d of %d)%s\n", nr_met, NR_GOALS,
	       failed ? "; some measurements could not be made" : "");
	return failed ? 1 : 0;
}
