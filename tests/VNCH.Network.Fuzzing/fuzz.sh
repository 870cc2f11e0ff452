#!/usr/bin/env bash
# Fuzzes one reader with afl++ and SharpFuzz (docs/security.md, "Fuzzing"). Manual: it runs for as long as asked.
# Usage: tests/VNCH.Network.Fuzzing/fuzz.sh <target> [seconds] [findings folder]
#   targets: dicom aecg dicom-waveform audiogram-json audiogram-fhir multipart
# Needs afl++ (apt-get install afl++) and the SharpFuzz instrumenter
# (dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path <dir>; set SHARPFUZZ to the binary or put
# it on PATH). Seeds come from the shared test data (VNCH_TESTDATA, default ../shared/data beside the repository)
# and the repository's audiogram examples; they are copied into a temporary folder, never into the repository.
set -euo pipefail
target=${1:?target}
seconds=${2:-900}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
data=${VNCH_TESTDATA:-$(cd "$repo/.." && pwd)/shared/data}
findings=${3:-$(mktemp -d -t "vnch-fuzz-$target-XXXX")}
sharpfuzz=${SHARPFUZZ:-sharpfuzz}
# FUZZ_BUILD names a folder to keep the instrumented build in and reuse (several targets, one build).
if [ -n "${FUZZ_BUILD:-}" ]; then work=$FUZZ_BUILD; mkdir -p "$work"; else work=$(mktemp -d -t vnch-fuzz-build-XXXX); trap 'rm -rf "$work"' EXIT; fi

# Build into a private folder and instrument only our own assemblies there (never the repository's bin folders).
if [ ! -f "$work/bin/instrumented" ]; then
  dotnet build "$here" -c Release -v quiet --nologo -o "$work/bin" >/dev/null
  for assembly in VNCH.Network.Dicom VNCH.Network.Signals VNCH.Network.Core VNCH.Network.Api; do
    "$sharpfuzz" "$work/bin/$assembly.dll" >/dev/null
  done
  touch "$work/bin/instrumented"
fi

seeds="$work/seeds-$target"
rm -rf "$seeds"; mkdir -p "$seeds"
small_dicoms() { # up to 24 DICOM files under 12 KB, of as many transfer syntaxes as there are
  awk -F'\t' 'NR > 1 && $2 < 12000 && !seen[$4]++ { print $1 }' "$data/dicom/CATALOG.tsv" | head -24
}
case "$target" in
  dicom)
    small_dicoms | while read -r f; do cp "$data/dicom/$f" "$seeds/$(echo "$f" | tr / _)"; done ;;
  dicom-waveform)
    cp "$data/dicom/dicomParser/testImages/deflate/wave_dfl" "$seeds/wave_dfl"
    cp "$data/dicom/pydicom/src/pydicom/data/test_files/waveform_ecg.dcm" "$seeds/waveform_ecg.dcm" ;;
  aecg)
    cp "$data/ecg/hl7-aecg/minimum_aecg.xml" "$data/ecg/hl7-aecg/empty.xml" "$seeds/" ;;
  audiogram-json)
    cp "$repo/docs/audiogram.example.json" "$seeds/" ;;
  audiogram-fhir)
    cp "$repo/docs/audiogram.example.fhir.json" "$seeds/" ;;
  multipart)
    small_dicoms | head -3 | while read -r f; do
      dotnet "$work/bin/VNCH.Network.Fuzzing.dll" multipart-seed "$seeds/$(basename "$f").multipart" application/dicom "$data/dicom/$f"
    done
    dotnet "$work/bin/VNCH.Network.Fuzzing.dll" multipart-seed "$seeds/audiogram.multipart" application/vnd.vnch.audiogram+json "$repo/docs/audiogram.example.json" ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac

echo "findings: $findings"
# No CPU pinning: the machine is shared and afl would refuse to start once every core has a fuzzer.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
afl-fuzz -i "$seeds" -o "$findings" -t 10000 -m none -V "$seconds" -- dotnet "$work/bin/VNCH.Network.Fuzzing.dll" "$target"
