#!/usr/bin/env bash
# The browser of the web edition's browser tests (tests/test_site_browser.py, marked
# `browser`): Chromium and its ChromeDriver at /usr/bin, driven by Selenium.
#
#   bash scripts/browser/install.sh    # install chromium and chromium-driver if missing
#
# `make browser` (and so `make check`) runs it, then installs axe-core from the npm
# registry into node_modules/ (`npm ci`, pinned by package-lock.json).
#
# With both binaries present it only checks that their major versions agree and
# says nothing (GitHub's Ubuntu runners have both already). Otherwise, on Debian,
# it installs Debian's chromium and chromium-driver with apt-get, as root; run by
# another user it uses sudo, and fails with a clear message if there is none. While
# another installation holds apt's lock, it waits (scripts/apt_get.sh).
# Debian's package registry must then be reachable; nothing else is downloaded
# (the tests never let Selenium Manager fetch a browser or a driver). Ubuntu has
# no chromium deb (it ships a snap): there, install them by other means or point
# the variables below at a Chromium and ChromeDriver of the same major version.
#
# Environment (optional; tests/browser.py reads the same two paths):
#   FACTSHEET_CHROMIUM      the browser        (default /usr/bin/chromium)
#   FACTSHEET_CHROMEDRIVER  its driver         (default /usr/bin/chromedriver)
#   BROWSER_PACKAGES        what apt installs  (default "chromium chromium-driver")
set -euo pipefail

CHROMIUM=${FACTSHEET_CHROMIUM:-/usr/bin/chromium}
CHROMEDRIVER=${FACTSHEET_CHROMEDRIVER:-/usr/bin/chromedriver}
read -r -a PACKAGES <<< "${BROWSER_PACKAGES:-chromium chromium-driver}"
# apt-get, waiting while another installation on the machine holds apt's lock
APT_GET=$(dirname "${BASH_SOURCE[0]}")/../apt_get.sh

fail() {
  echo "install.sh: $*" >&2
  exit 1
}

# The major version in `chromium --version` / `chromedriver --version` ("Chromium 156.0.8078.114 ...").
major() {
  "$1" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9.]+' | head -n 1 | cut -d. -f1
}

if [[ ! -x $CHROMIUM || ! -x $CHROMEDRIVER ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    AS_ROOT=()
  elif command -v sudo >/dev/null 2>&1; then
    AS_ROOT=(sudo)
  else
    fail "$CHROMIUM or $CHROMEDRIVER is missing, and installing ${PACKAGES[*]} needs root:" \
         "run this script as root, or install sudo"
  fi
  command -v apt-get >/dev/null 2>&1 ||
    fail "$CHROMIUM or $CHROMEDRIVER is missing and there is no apt-get: install Chromium and its ChromeDriver" \
         "there, or set FACTSHEET_CHROMIUM and FACTSHEET_CHROMEDRIVER"
  echo "install.sh: installing ${PACKAGES[*]} (apt-get)"
  "${AS_ROOT[@]}" bash "$APT_GET" update -qq
  for package in "${PACKAGES[@]}"; do
    apt-cache show "$package" >/dev/null 2>&1 ||
      fail "apt has no package $package here (Ubuntu ships Chromium as a snap): install Chromium and its" \
           "ChromeDriver as $CHROMIUM and $CHROMEDRIVER, or set FACTSHEET_CHROMIUM and FACTSHEET_CHROMEDRIVER"
  done
  "${AS_ROOT[@]}" bash "$APT_GET" install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
  for binary in "$CHROMIUM" "$CHROMEDRIVER"; do
    [[ -x $binary ]] || fail "${PACKAGES[*]} installed, but $binary is still missing"
  done
  "$CHROMIUM" --version 2>/dev/null
fi

browser=$(major "$CHROMIUM")
driver=$(major "$CHROMEDRIVER")
[[ -n $browser && $browser == "$driver" ]] ||
  fail "$CHROMIUM (version ${browser:-unknown}) and $CHROMEDRIVER (version ${driver:-unknown}) do not match:" \
       "ChromeDriver drives only the Chromium of its own major version"
