// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hold - keep one empty VM alive while the tests run (scripts/init
 * starts it before the first test).
 *
 * The first KVM_CREATE_VM and the last VM's destruction turn the static
 * key of the preempt notifiers on and off, which rewrites a branch in
 * __schedule() while other CPUs run it.  QEMU's TCG now and then goes on
 * running the old instruction there (README, "Known problems of the base
 * under TCG"): a vCPU thread is then switched out without KVM's sched_out
 * hook, in VHE with the guest's TPIDR_EL0, and dies in user space.  With
 * one VM alive throughout, the key never changes once the tests start.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

int main(void)
{
	int kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (kvm_fd < 0 || ioctl(kvm_fd, KVM_CREATE_VM, 0) < 0) {
		perror("kvm_hold");
		return 1;
	}
	for (;;)
		pause();
}
