#!/usr/bin/env bash
# Runs the whole TrustDesk test suite and ends with one line: "N passed, N failed[, N skipped]".
#
# It provisions what the tests need and relies on nothing left on the machine: when running as root it installs
# PostgreSQL (the tests start private servers from its binaries), swaks and Dovecot (email tests) from Debian
# when they are missing, and Chromium for the console's browser tests. The tests themselves start private instances in temp directories on free ports.
set -uo pipefail
cd "$(dirname "$0")"

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v swaks >/dev/null 2>&1 || missing+=(swaks)
command -v dovecot >/dev/null 2>&1 || missing+=(dovecot-imapd)
[ -x /usr/bin/chromium ] || missing+=(chromium)   # the console's browser tests drive Debian's Chromium with Playwright
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing from Debian: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || { echo "Could not install ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; }
  else
    echo "Missing ${missing[*]} and not root: the tests that need them will fail. Install them with apt-get."
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
if ! dotnet build TrustDesk.slnx -m:2 -nologo -clp:ErrorsOnly; then
  echo "The build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
dotnet test --solution TrustDesk.slnx --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Microsoft.Testing.Platform ends with a summary block per run; add up every "total/failed/succeeded/skipped".
sum() { grep -E "^\s*$1: [0-9]+" "$log" | awk '{ s += $2 } END { print s + 0 }'; }
passed=$(sum succeeded); failed=$(sum failed); skipped=$(sum skipped)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the runner failed without counting a test failure (a crash, or no tests found)
fi
rm -f "$log"
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
