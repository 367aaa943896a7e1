// SPDX-License-Identifier: GPL-2.0-only
/*
 * unshare_test - the Linux guest's MEM_UNSHARE, which a stock guest kernel
 * hardly ever makes: share a few pages with the host the way a driver
 * does (set_memory_decrypted(), MEM_SHARE), then take them back
 * (set_memory_encrypted(), MEM_UNSHARE), and check that the pages kept
 * their contents both ways, since the host converts them in place.
 *
 * Loaded by the guest's /init (demo/linux-guest/init); the result is one
 * "linux-guest: unshare test" line on the kernel log.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/set_memory.h>

static unsigned int nr_pages = 16;
module_param(nr_pages, uint, 0444);
MODULE_PARM_DESC(nr_pages, "Pages to share and unshare (a power of two)");

static u64 pattern(unsigned long addr)
{
	return addr * 0x9e3779b97f4a7c15ULL;
}

static void fill(unsigned long start, unsigned long size)
{
	unsigned long addr;

	for (addr = start; addr < start + size; addr += sizeof(u64))
		*(u64 *)addr = pattern(addr);
}

static bool intact(unsigned long start, unsigned long size)
{
	unsigned long addr;

	for (addr = start; addr < start + size; addr += sizeof(u64))
		if (*(u64 *)addr != pattern(addr))
			return false;
	return true;
}

static int __init unshare_test_init(void)
{
	unsigned int order = get_order(nr_pages * PAGE_SIZE);
	unsigned long size = PAGE_SIZE << order;
	unsigned long addr;
	const char *what;
	int ret;

	addr = __get_free_pages(GFP_KERNEL, order);
	if (!addr)
		return -ENOMEM;
	fill(addr, size);

	ret = set_memory_decrypted(addr, 1 << order);
	if (ret) {
		/* The pages may be partly shared: never give them back. */
		pr_err("linux-guest: unshare test FAILED: MEM_SHARE: %d\n", ret);
		return ret;
	}
	what = "shared";
	if (!intact(addr, size))
		goto lost;

	ret = set_memory_encrypted(addr, 1 << order);
	if (ret) {
		pr_err("linux-guest: unshare test FAILED: MEM_UNSHARE: %d\n", ret);
		return ret;
	}
	what = "unshared";
	if (!intact(addr, size))
		goto lost;

	free_pages(addr, order);
	pr_info("linux-guest: unshare test ok: %u pages shared and unshared in place\n",
		1 << order);
	return 0;

lost:
	pr_err("linux-guest: unshare test FAILED: the pages lost their contents once %s\n",
	       what);
	return -EIO;
}
module_init(unshare_test_init);

MODULE_DESCRIPTION("MEM_SHARE and MEM_UNSHARE of a pKVM guest, in place");
MODULE_LICENSE("GPL");
