#!/bin/sh
# Install what the build and the test matrix need from Debian's archive
# (as root), and fetch the arm64 busybox-static for the initramfs.
#
# usage: deps.sh BUILD
set -eu
. ./base.conf
b=$1
pkgs="$LINUX_DEB_PACKAGE=$LINUX_DEB_VERSION make gcc libc6-dev bc bison flex
	libelf-dev libssl-dev cpio xz-utils git perl python3 python3-ply python3-git ccache
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross busybox-static
	qemu-system-arm qemu-system-x86"
missing=
for p in $pkgs; do
	have=$(dpkg-query -W -f '${db:Status-Status} ${Version}' "${p%%=*}" 2>/dev/null || true)
	case $p in
	*=*) [ "$have" = "installed ${p#*=}" ] || missing="$missing $p" ;;
	*) case $have in installed*) ;; *) missing="$missing $p" ;; esac ;;
	esac
done
if [ -n "$missing" ] || ! dpkg --print-foreign-architectures | grep -qx arm64; then
	dpkg --add-architecture arm64
	apt-get update -q
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
