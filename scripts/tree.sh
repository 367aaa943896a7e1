#!/bin/sh
# Rebuild the kernel tree: the pinned Debian base, one commit tagged
# "base", then every series of series/ (one directory each, applied in
# the order of their names) with git am.  A branch named after each
# series but the last marks its last patch, for export.sh.
#
# usage: tree.sh TREE
# Refuses to throw away work: a tree with uncommitted changes, or with
# commits that were never exported (HEAD is not the "series" tag), is
# kept unless FORCE=1.
set -eu
. ./base.conf
tree=$1
series=$(pwd)/series
ident='gmem-share developers'
email='gmem-share@example.org'
# A fixed identity and date make the base commit the same on every machine.
export GIT_AUTHOR_NAME="$ident" GIT_AUTHOR_EMAIL="$email"
export GIT_COMMITTER_NAME="$ident" GIT_COMMITTER_EMAIL="$email"

die() { echo "tree.sh: $*" >&2; exit 1; }

if [ -d "$tree/.git" ] && [ "${FORCE:-0}" != 1 ]; then
	if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
		die "$tree has uncommitted changes (commit and 'make export', or FORCE=1)"
	fi
	if [ "$(git -C "$tree" rev-parse HEAD)" != \
	     "$(git -C "$tree" rev-parse -q --verify series || true)" ]; then
		die "$tree has commits not exported to series/ ('make export', or FORCE=1)"
	fi
fi

if [ ! -d "$tree/.git" ]; then
	[ -f "$LINUX_TARBALL" ] ||
		die "$LINUX_TARBALL missing: apt-get install $LINUX_DEB_PACKAGE=$LINUX_DEB_VERSION"
	echo "  CHECK   $LINUX_TARBALL"
	echo "$LINUX_SHA256  $LINUX_TARBALL" | sha256sum -c --quiet ||
		die "$LINUX_TARBALL does not match the pinned sha256"
	echo "  EXTRACT $tree"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -xJf "$LINUX_TARBALL" -C "$tree.tmp" --strip-components=1
	git -C "$tree.tmp" init -q
	git -C "$tree.tmp" config user.name "$ident"
	git -C "$tree.tmp" config user.email "$email"
	# Debian's .gitignore ignores everything at the top level: add with -f
	# (and so must a developer who adds a new file).
	git -C "$tree.tmp" add -A -f
	GIT_AUTHOR_DATE='2025-01-01T00:00:00Z' GIT_COMMITTER_DATE='2025-01-01T00:00:00Z' \
		git -C "$tree.tmp" commit -q -m "Debian $LINUX_DEB_PACKAGE $LINUX_DEB_VERSION"
	git -C "$tree.tmp" tag base
	mv "$tree.tmp" "$tree"
fi

git -C "$tree" am --abort >/dev/null 2>&1 || true
git -C "$tree" checkout -q -f -B main base
git -C "$tree" clean -q -fdx -e '/tools/arch/*/include/generated/'
n=0 prev= names=
for d in "$series"/*/; do
	s=$(basename "$d")
	# The previous series ends here.
	[ -z "$prev" ] || git -C "$tree" branch -f "$prev" >/dev/null
	for p in "$d"[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$p" ] || continue
		case ${p##*/} in 0000-*) continue ;; esac
		if ! git -C "$tree" am -q --committer-date-is-author-date "$p" >/dev/null 2>&1; then
			git -C "$tree" am --abort >/dev/null 2>&1 || true
			die "series/$s/${p##*/} does not apply on top of the previous patches"
		fi
		n=$((n + 1))
	done
	prev=$s names="$names $s"
done
git -C "$tree" tag -f series >/dev/null
echo "  TREE    $tree: base +$names, $n patches"
