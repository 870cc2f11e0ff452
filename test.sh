#!/usr/bin/env bash
# Runs the whole test suite: unit tests beside each project, conformance tests over ../shared/data,
# and the end-to-end tests against a real embedded server on 127.0.0.1.
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter Category=Conformance]
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
: "${VNCH_TESTDATA:=$(cd .. && pwd)/shared/data}"
export VNCH_TESTDATA

dotnet build VNCH.Network.sln -c Release --nologo -v quiet

# The Azure adapter tests run against Azurite and cosmosdb-server on loopback (npm-installed into .ci/tools once).
if .ci/start-emulators.sh; then
  trap '.ci/stop-emulators.sh' EXIT
  set -a; . .ci/tools/emulators.env; set +a
else
  echo "warning: the Azure emulators did not start; the Azure adapter tests will fail" >&2
fi
log=$(mktemp)
status=0
dotnet test VNCH.Network.sln -c Release --no-build --nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line for humans and CI: totals over every test assembly.
awk '/(Passed|Failed)! +- +Failed:/ {
        gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
