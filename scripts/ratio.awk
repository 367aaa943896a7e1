# The awk functions of the benchmarks' verdicts (s2ratio.sh, bootratio.sh).

# Sort a[1..n] in place.
function sort(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}

# The ratios r[1..n] against goal: the line that says what they show, the
# median with its min and max.  When they spread wider than the median
# lies from the goal, the verdict is "noisy, no figure".
function verdict(what, r, n, goal,    m, d, v) {
	sort(r, n)
	m = n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
	d = m > goal ? m - goal : goal - m
	v = r[n] - r[1] > d ? "noisy, no figure" : m <= goal ? "met" : "NOT met"
	printf "%s: ratio %.2f, min %.2f, max %.2f over %d pairs (goal <= %s): %s\n",
	       what, m, r[1], r[n], n, goal, v
}
