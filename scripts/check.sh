#!/bin/sh
# Hygiene of the series: checkpatch --strict on every patch of series/*/
# (an error fails), then the KVM objects of every prefix of the tree's
# series are built for arm64 and x86_64, so that each patch builds on its
# own (the whole kernel of the last one is built by the test kernels).
#
# usage: check.sh TREE BUILD
set -eu
tree=$1 b=$2
fail=0
for p in series/*/[0-9][0-9][0-9][0-9]-*.patch; do
	case ${p##*/} in 0000-*) continue ;; esac
	[ -e "$p" ] || continue
	# Debian's python3 (with python3-ply and python3-git) for checkpatch's SPDX check.
	out=$(cd "$tree" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl \
		--strict --terse --show-types "$OLDPWD/$p" || true)
	echo "$out" | grep -E ': (ERROR|WARNING|CHECK):' || true
	if echo "$out" | grep -q ': ERROR:'; then
		echo "check.sh: checkpatch errors in $p" >&2
		fail=1
	fi
done
[ $fail -eq 0 ] || exit 1
echo "  CHECK   checkpatch --strict: no errors"

if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "check.sh: $tree has uncommitted changes" >&2
	exit 1
fi
head=$(git -C "$tree" symbolic-ref -q --short HEAD || git -C "$tree" rev-parse HEAD)
trap 'git -C "$tree" checkout -q "$head"' EXIT
for c in $(git -C "$tree" rev-list --reverse base..HEAD); do
	git -C "$tree" checkout -q "$c"
	echo "  BUILD   $(git -C "$tree" log -1 --format='%h %s' "$c")"
	for f in arm64 x86_64; do
		if ! sh scripts/kernel.sh "$tree" "$b" $f kvm; then
			echo "check.sh: $(git -C "$tree" log -1 --format=%s "$c") does not build for $f" >&2
			exit 1
		fi
	done
done
echo "  CHECK   the KVM objects of every prefix of the series build"
