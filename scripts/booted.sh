#!/bin/sh
# Whether every boot of the given console logs came up in its leg's KVM
# mode (the line scripts/boot.sh appends): the benchmarks' verdicts
# (s2ratio.sh, bootratio.sh) take no figure from a boot that did not.
#
# usage: booted.sh CALLER LOG...   (exit status 1, naming the log, if not)
set -eu
caller=$1
shift
for log; do
	if ! grep -q '^# kvmtest: kvm-mode ok' "$log"; then
		echo "$caller: $log: the leg did not boot in its KVM mode" >&2
		exit 1
	fi
done
