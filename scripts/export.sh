#!/bin/sh
# Export the tree's commits base..HEAD back into the series of series/
# (git format-patch), split where tree.sh's branches mark the end of each
# series but the last, keeping each hand-written cover letter and
# renumbering its subject.  No commit hashes or tool versions in the
# files, so an unchanged commit exports to an unchanged file.
#
# usage: export.sh TREE
set -eu
tree=$1
series=$(pwd)/series
if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "export.sh: $tree has uncommitted changes" >&2
	exit 1
fi
last=$(basename "$(ls -d "$series"/*/ | tail -n 1)")
from=base
for d in "$series"/*/; do
	s=$(basename "$d")
	to=$s
	[ "$s" != "$last" ] || to=HEAD
	if ! git -C "$tree" merge-base --is-ancestor "$from" "$to"; then
		echo "export.sh: $from is not an ancestor of $to in $tree" >&2
		exit 1
	fi
	for p in "$d"[0-9][0-9][0-9][0-9]-*.patch; do
		case ${p##*/} in 0000-*) ;; *) rm -f "$p" ;; esac
	done
	git -C "$tree" format-patch -q --zero-commit --no-signature --numbered \
		--start-number 1 -o "$d" "$from..$to"
	n=$(git -C "$tree" rev-list --count "$from..$to")
	cover=${d}0000-cover-letter.patch
	if [ -f "$cover" ]; then
		# Renumber the subject and regenerate the shortlog that ends the letter.
		{
			sed -e "s|^Subject: \[PATCH [0-9]*/[0-9]*\]|Subject: [PATCH 00/$n]|" \
			    -e '/^[^ ].* ([0-9]*):$/,$d' "$cover"
			git -C "$tree" shortlog "$from..$to"
			echo '-- '
		} > "$cover.tmp"
		mv "$cover.tmp" "$cover"
	fi
	echo "  EXPORT  $n patches to series/$s/"
	from=$to
done
git -C "$tree" tag -f series > /dev/null
