#!/bin/sh
# The stage-2 fault benchmark's verdict: the median ns per fault in
# classic nVHE protected mode over nVHE, from the console logs of the two
# boots, for each kind of round that bench/s2_fault_bench.c prints.
# Goal: <= 1.5.  And the fault of a protected VM on its private memory,
# which protected mode donates to the guest, over the fault of a default
# VM in nVHE (fresh pages in both): goal <= 1.3.  The ratio of the best rounds is shown too: other load on
# the machine only slows rounds down, and the two boots do not share it.
# A leg whose worst round took over 1.25 times its best is called noisy.
# Exit status 0 when both legs booted in their mode and measured, whether
# or not the goal was met.
#
# usage: s2ratio.sh NVHE_LOG PROTECTED_NVHE_LOG
set -eu
for log in "$1" "$2"; do
	if ! grep -q '^# kvmtest: kvm-mode ok' "$log"; then
		echo "s2ratio.sh: $log: the leg did not boot in its KVM mode" >&2
		exit 1
	fi
done
awk -v goal=1.5 '
FNR == 1 { leg++; name = leg == 1 ? "nvhe" : "protected-nvhe" }
/^# (s2|error)/ { line = $0; sub(/^# /, "", line); print name ": " line }
# "# s2: KIND: median NS ns/fault, N faults/s; best NS ns/fault, worst NS ns/fault (...)"
$2 == "s2:" && $4 == "median" && $9 == "best" && $12 == "worst" {
	k = $3; sub(/:$/, "", k); ns[k, leg] = $5; best[k, leg] = $10
	if ($13 > 1.25 * $10) noisy[k] = noisy[k] " " name
	if (!(k in seen)) { seen[k] = 1; kinds[++nk] = k }
}
END {
	n = 0
	for (i = 1; i <= nk; i++) {
		k = kinds[i]
		if (!((k, 1) in ns) || !((k, 2) in ns))
			continue
		r = ns[k, 2] / ns[k, 1]
		printf "s2 fault %s: nvhe %d ns, protected-nvhe %d ns: ratio %.2f (goal <= %s): %s; best rounds: %.2f%s\n",
		       k, ns[k, 1], ns[k, 2], r, goal, r <= goal ? "met" : "NOT met",
		       best[k, 2] / best[k, 1],
		       (k in noisy) ? "; noisy:" noisy[k] : ""
		n++
	}
	if (("private", 2) in ns && ("fresh", 1) in ns) {
		r = ns["private", 2] / ns["fresh", 1]
		printf "s2 fault of a protected VM, donated (protected-nvhe) / default VM (nvhe): %d / %d ns: ratio %.2f (goal <= 1.3): %s; best rounds: %.2f\n",
		       ns["private", 2], ns["fresh", 1], r, r <= 1.3 ? "met" : "NOT met",
		       best["private", 2] / best["fresh", 1]
	}
	if (n == 0) {
		print "s2ratio.sh: no figures in both logs" > "/dev/stderr"
		exit 1
	}
}' "$1" "$2"
