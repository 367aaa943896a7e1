# The verdict of the test legs' console logs; see verdict.sh, which runs
# it as: awk -v expect=EXPECTATIONS -f verdict.awk LOG...
function splat(line) {
	return line ~ /(WARNING:|BUG:|self-test:? FAIL|Oops|KASAN:|UBSAN:|Kernel panic|Unable to handle kernel|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|lock held when returning|INFO: task .* blocked|stack-protector|Internal error:)/
}
BEGIN {
	while ((getline l < expect) > 0) {
		if (l ~ /^[ \t]*(#|$)/)
			continue
		split(l, f, /[ \t]+/)
		r = l; sub(/^[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", r)
		xfail[f[2] SUBSEP f[1]] = r
	}
}
{ sub(/\r$/, "") }
FNR == 1 {
	leg = FILENAME; sub(/^.*\//, "", leg); sub(/\.log$/, "", leg)
	legs[++nlegs] = leg; cur = ""; done[leg] = 0
}
/^# kvmtest: plan / { plan[$4, leg] = 1 }
/^# selftests: kvm: / { cur = $4 }
/^# ok [0-9]+ .*# SKIP/ {
	# Subtests that skipped inside a test: counted and shown, never hidden.
	if (cur != "") {
		k = leg ": " cur; r = $0; sub(/.*# SKIP */, "", r)
		if (!(k in ninner)) innerkeys[++nik] = k
		ninner[k]++
		if (!((k, r) in seenr)) { seenr[k, r] = 1; reasons[k] = reasons[k] (reasons[k] == "" ? "" : "; ") r }
	}
}
/^1\.\.[0-9]+$/ { planned[leg] = substr($0, 4) }
/^(not )?ok [0-9]+ / {
	name = ($1 == "not") ? $4 : $3
	if (!(name in seen)) { seen[name] = 1; tests[++ntests] = name }
	st = ($1 == "not") ? "fail" : "pass"
	if ($0 ~ /# SKIP/) st = "skip"
	if ($0 ~ /# TIMEOUT/) st = "timeout"
	t = $0; sub(/.*time=/, "", t); if (t == $0) t = "-"
	res[name, leg] = st; secs[name, leg] = t
	if (st == "skip") { r = $0; sub(/.*# SKIP */, "", r); sub(/ time=.*/, "", r); why[name, leg] = r }
	reported[leg]++
	cur = ""
}
/^# kvmtest: done$/ { done[leg] = 1 }
/^# kvmtest: kvm-mode / { mode[leg] = $0; sub(/^# kvmtest: /, "", mode[leg]) }
/^# kvmtest: boot timed out/ { problems[++nprob] = leg ": " substr($0, 13) }
{
	# Kernel lines: raw console output, or the dmesg dumps of the guest;
	# other "# " lines are what the tests printed.
	if (($0 !~ /^# / || $0 ~ /^# (boot|dmesg): /) && splat($0)) {
		problems[++nprob] = leg ": splat" (cur != "" ? " during " cur : "") ": " $0
		if (cur != "") tainted[cur, leg] = 1
	}
}
END {
	w = 28
	for (i = 1; i <= ntests; i++) if (length(tests[i]) > w) w = length(tests[i])
	printf "%-" w "s", "test"
	for (j = 1; j <= nlegs; j++) printf "  %-16s", legs[j]
	printf "\n"
	for (i = 1; i <= ntests; i++) {
		name = tests[i]
		printf "%-" w "s", name
		for (j = 1; j <= nlegs; j++) {
			leg = legs[j]
			if (!((name, leg) in plan) && !((name, leg) in res)) {
				printf "  %-16s", "-"
				continue
			}
			st = ((name, leg) in res) ? res[name, leg] : "missing"
			if ((name, leg) in tainted && st == "pass") st = "splat"
			x = ((name SUBSEP leg) in xfail) || ((name SUBSEP "*") in xfail)
			# A test that never reported is missing, expected to fail or not.
			if (x && st != "missing") st = (st == "pass") ? "XPASS" : "XFAIL"
			if (st == "pass" || st == "XPASS") pass++
			else if (st == "skip" || st == "XFAIL") skip++
			else fail++
			cell = st
			if (((name, leg) in secs) && secs[name, leg] != "-") cell = cell " " secs[name, leg]
			printf "  %-16s", cell
			if (st == "skip") skips[++nskips] = leg ": " name ": " why[name, leg]
			if (st == "XFAIL") skips[++nskips] = leg ": " name ": expected failure: " \
				((name SUBSEP leg) in xfail ? xfail[name, leg] : xfail[name, "*"])
			if (st == "XPASS") problems[++nprob] = leg ": " name " passes: drop it from the expectations"
		}
		printf "\n"
	}
	for (j = 1; j <= nlegs; j++) {
		leg = legs[j]
		print leg ": " (leg in mode ? mode[leg] : "no kvm-mode check") \
			", " reported[leg] + 0 "/" planned[leg] + 0 " tests reported" \
			(done[leg] ? "" : ", RUN DID NOT FINISH")
		if (!(leg in mode) || mode[leg] !~ /^kvm-mode ok/ || !done[leg] || reported[leg] + 0 != planned[leg] + 0 || planned[leg] + 0 == 0)
			fail++
	}
	for (i = 1; i <= nskips; i++) print "skipped: " skips[i]
	for (i = 1; i <= nik; i++)
		print "subtests skipped: " innerkeys[i] ": " ninner[innerkeys[i]] " (" reasons[innerkeys[i]] ")"
	for (i = 1; i <= nprob; i++) print "PROBLEM: " problems[i]
	if (nprob) fail++
	printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
	exit fail ? 1 : 0
}
