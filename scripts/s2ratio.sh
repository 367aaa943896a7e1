#!/bin/sh
# The stage-2 fault benchmark's verdict, from the console logs of pairs of
# boots made in turn (nVHE, then classic nVHE protected mode): for each
# kind of round that bench/s2_fault_bench.c prints, the median ns per
# fault of the protected boot over that of the nVHE boot before it, for
# each pair.  Goal: <= 1.5.  And the fault of a protected VM on its
# private memory, which protected mode donates to the guest, over the
# fault of a default VM in nVHE (fresh pages in both): goal <= 1.3.
# Each ratio is given as the median over the pairs, with its min and max
# (scripts/ratio.awk).  Exit status 0 when every boot came up in its
# mode and measured, whether or not the goals were met.
#
# usage: s2ratio.sh NVHE_LOG PROTECTED_NVHE_LOG [NVHE_LOG PROTECTED_NVHE_LOG]...
set -eu
if [ $# -eq 0 ] || [ $(($# % 2)) -ne 0 ]; then
	echo "usage: s2ratio.sh NVHE_LOG PROTECTED_NVHE_LOG..." >&2
	exit 1
fi
sh "$(dirname "$0")/booted.sh" s2ratio.sh "$@"
awk "$(cat "$(dirname "$0")/ratio.awk")"'
FNR == 1 { boot++; pair = int((boot + 1) / 2); prot = boot % 2 == 0 }
/^# (s2|error)/ {
	line = $0; sub(/^# /, "", line)
	print (prot ? "protected-nvhe " : "nvhe ") pair ": " line
}
# "# s2: KIND: median NS ns/fault, N faults/s; best NS ns/fault, worst NS ns/fault (...)"
$2 == "s2:" && $4 == "median" {
	k = $3; sub(/:$/, "", k); ns[k, pair, prot] = $5
	if (!(k in seen)) { seen[k] = 1; kinds[++nk] = k }
}
END {
	pairs = boot / 2
	for (i = 1; i <= nk; i++) {
		k = kinds[i]; n = 0
		for (p = 1; p <= pairs; p++)
			if ((k, p, 0) in ns && (k, p, 1) in ns) {
				r[++n] = ns[k, p, 1] / ns[k, p, 0]
				printf "s2 fault %s, pair %d: nvhe %d ns, protected-nvhe %d ns: %.2f\n",
				       k, p, ns[k, p, 0], ns[k, p, 1], r[n]
			}
		if (n)
			verdict("s2 fault " k ", protected-nvhe / nvhe", r, n, 1.5)
		figures += n
	}
	n = 0
	for (p = 1; p <= pairs; p++)
		if (("private", p, 1) in ns && ("fresh", p, 0) in ns)
			r[++n] = ns["private", p, 1] / ns["fresh", p, 0]
	if (n)
		verdict("s2 fault of a protected VM, donated (protected-nvhe) / default VM (nvhe)", r, n, 1.3)
	if (!figures) {
		print "s2ratio.sh: no figures in both logs of any pair" > "/dev/stderr"
		exit 1
	}
}' "$@"
