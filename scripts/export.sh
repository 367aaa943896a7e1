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
[ ! -f "$series/0000-cover-letter.patch" ] ||
	sed -i "s|^Subject: \[PATCH [0-9]*/[0-9]*\]|Subject: [PATCH $(printf '%02d' 0)/$n]|" \
		"$series/0000-cover-letter.patch"
git -C "$tree" tag -f series > /dev/null
echo "  EXPORT  $n patches to series/"
