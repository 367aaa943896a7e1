#!/bin/sh
# The Linux guest's boot-time verdict, from the console logs of boots of
# the legs that ran "linux_guest -b PAIRS" (make bench-linux): for each
# leg, the time to the guest's userspace as a protected VM over that as a
# default VM booted right after it, for each pair, and their median with
# its min and max (scripts/ratio.awk).  Goal: <= 1.5.  Exit status 0 when
# every leg came up in its KVM mode and every guest booted and
# said when its userspace started.
#
# usage: bootratio.sh LOG...     (LOG: BUILD/logs/linux-bench-LEG.log)
set -eu
if [ $# -eq 0 ]; then
	echo "usage: bootratio.sh LOG..." >&2
	exit 1
fi
sh "$(dirname "$0")/booted.sh" bootratio.sh "$@"
for log; do
	if grep -q '^# not ok' "$log" || ! grep -q '^ok .* linux_guest' "$log"; then
		echo "bootratio.sh: $log: a guest did not boot (see the log)" >&2
		exit 1
	fi
done
awk "$(cat "$(dirname "$0")/ratio.awk")"'
# The verdict of the leg read so far; none is an error.
function leg_done() {
	if (!n) {
		print "bootratio.sh: " leg ": no boot times in the log" > "/dev/stderr"
		failed = 1
		return
	}
	verdict("linux guest to userspace, protected / default VM, " leg, r, n, 1.5)
}
FNR == 1 {
	if (leg != "")
		leg_done()
	n = 0; leg = FILENAME; sub(/.*linux-bench-/, "", leg); sub(/\.log$/, "", leg)
}
# "# linux-bench: pair K: protected P s, default Q s"
$2 == "linux-bench:" && $6 > 0 && $9 > 0 {
	r[++n] = $6 / $9
	printf "%s: pair %d: protected %s s, default %s s: %.2f\n", leg, $4, $6, $9, r[n]
}
END {
	leg_done()
	exit failed
}' "$@"
