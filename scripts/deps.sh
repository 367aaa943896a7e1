#!/bin/sh
# Install what the build and the test matrix need from Debian's archive
# (as root), and fetch the arm64 busybox-static for the initramfs.
# QEMU (and the SeaBIOS it needs) comes from bookworm-backports: 7.2's
# EL2 emulation loses hypervisor TLB invalidations by VA under E2H=1.
#
# usage: deps.sh BUILD
set -eu
. ./base.conf
b=$1
# NAME=VERSION: exactly that version; NAME>=VERSION: at least it.
pkgs="$LINUX_DEB_PACKAGE=$LINUX_DEB_VERSION make gcc libc6-dev bc bison flex
	libelf-dev libssl-dev cpio xz-utils rsync git perl python3 python3-ply
	python3-git ccache gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	busybox-static qemu-system-arm>=1:10.0 qemu-system-x86>=1:10.0"
srcs=/etc/apt/sources.list.d/gmem-share-backports.sources
prefs=/etc/apt/preferences.d/gmem-share-qemu

want_srcs="Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
want_prefs="Package: src:qemu src:seabios
Pin: release n=bookworm-backports
Pin-Priority: 500"

missing= update=
[ "$(cat "$srcs" 2>/dev/null)" = "$want_srcs" ] || update=1
[ "$(cat "$prefs" 2>/dev/null)" = "$want_prefs" ] || update=1
dpkg --print-foreign-architectures | grep -qx arm64 || update=1
for p in $pkgs; do
	name=${p%%[>=]*}
	have=$(dpkg-query -W -f '${db:Status-Status} ${Version}' "$name" 2>/dev/null || true)
	case $p in
	*'>='*) case $have in
		installed*) dpkg --compare-versions "${have#* }" ge "${p#*>=}" ||
				missing="$missing $name" ;;
		*) missing="$missing $name" ;;
		esac ;;
	*=*) [ "$have" = "installed ${p#*=}" ] || missing="$missing $p" ;;
	*) case $have in installed*) ;; *) missing="$missing $p" ;; esac ;;
	esac
done
if [ -n "$missing$update" ]; then
	echo "$want_srcs" > "$srcs"
	echo "$want_prefs" > "$prefs"
	dpkg --add-architecture arm64
	apt-get update -q
fi
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086 # a list of packages
	DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends $missing
fi
if [ ! -x "$b/busybox-arm64" ]; then
	mkdir -p "$b/deb"
	(cd "$b/deb" && apt-get download -q busybox-static:arm64)
	dpkg-deb -x "$b"/deb/busybox-static_*_arm64.deb "$b/deb/root"
	cp "$b/deb/root/bin/busybox" "$b/busybox-arm64"
	rm -rf "$b/deb"
fi
