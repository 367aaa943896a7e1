#!/bin/sh
# Export the tree's commits base..HEAD to series/ (git format-patch),
# keeping the hand-written cover letter and renumbering its subject.
# No commit hashes or tool versions in the files, so an unchanged commit
# exports to an unchanged file.
#
# usage: export.sh TREE
set -eu
tree=$1
series=$(pwd)/series
if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "export.sh: $tree has uncommitted changes" >&2
	exit 1
fi
for p in "$series"/[0-9][0-9][0-9][0-9]-*.patch; do
	case ${p##*/} in 0000-*) ;; *) rm -f "$p" ;; esac
done
git -C "$tree" format-patch -q --zero-commit --no-signature --numbered \
	--start-number 1 -o "$series" base..HEAD
n=$(git -C "$tree" rev-list --count base..HEAD)
cover=$series/0000-cover-letter.patch
if [ -f "$cover" ]; then
	# Renumber the subject and regenerate the shortlog that ends the letter.
	{
		sed -e "s|^Subject: \[PATCH [0-9]*/[0-9]*\]|Subject: [PATCH 00/$n]|" \
		    -e '/^[^ ].* ([0-9]*):$/,$d' "$cover"
		git -C "$tree" shortlog base..HEAD
		echo '-- '
	} > "$cover.tmp"
	mv "$cover.tmp" "$cover"
fi
git -C "$tree" tag -f series > /dev/null
echo "  EXPORT  $n patches to series/"
