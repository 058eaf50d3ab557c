#!/usr/bin/env bash
# apt-get that waits for another package installation on the machine to finish, instead of failing at once.
#
#   bash scripts/apt_get.sh update -qq
#   bash scripts/apt_get.sh install -y -qq --no-install-recommends PACKAGE...
#
# `install` waits for dpkg's lock by itself (DPkg::Lock::Timeout), but `update` has no such option for the
# lock of its package lists: while apt reports a lock held by another process, the command is tried again
# every 2 s, up to APT_LOCK_TIMEOUT seconds (default 600). Other failures are reported as they are.
# Run as root (the callers use sudo where needed).
set -euo pipefail

TIMEOUT=${APT_LOCK_TIMEOUT:-600}
waited=0
while :; do
  rc=0
  output=$(DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$TIMEOUT" "$@" 2>&1) || rc=$?
  if ((rc == 0)); then
    [[ -z $output ]] || printf '%s\n' "$output"
    exit 0
  fi
  if grep -qE 'Could not get lock|Unable to lock|Unable to acquire the dpkg frontend lock' <<<"$output" &&
     ((waited < TIMEOUT)); then
    ((waited > 0)) || echo "apt_get.sh: another package installation holds apt's lock; waiting for it" >&2
    sleep 2
    waited=$((waited + 2))
    continue
  fi
  printf '%s\n' "$output" >&2
  exit "$rc"
done
