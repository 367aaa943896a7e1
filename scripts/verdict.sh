#!/bin/sh
# Turn the console logs of the test legs into one table (test x leg) and
# a verdict.  Red on a failed or timed-out test, a test that never
# reported, a leg whose KVM mode is wrong or whose run did not finish, and
# any kernel splat.  A test listed in the expectations file for a leg is
# still run and shown (XFAIL, or XPASS once it passes); it counts as
# skipped.  Last line: "N passed, N failed, N skipped".  An expectation's
# leg may be "*": every leg that runs the test.
#
# usage: verdict.sh EXPECTATIONS LOG...   (LOG named LEG.log)
set -eu
expect=$1
shift
exec awk -v expect="$expect" -f "$(dirname "$0")/verdict.awk" "$@"
