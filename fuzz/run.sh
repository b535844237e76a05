#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers with SharpFuzz and afl-fuzz (Debian's afl++).
# Usage: fuzz/run.sh [SECONDS per target, default 600] [TARGET...]   (targets: frame at-result caller-id hid-descriptor)
#   fuzz/run.sh 15          # the short run ./test.sh does
#   fuzz/run.sh 3600 frame  # an hour on the frame codec
# Builds fuzz/TspHost.Fuzz, instruments a copy of the parsers' assemblies (sharpfuzz), runs afl-fuzz on
# each target from its seed corpus (fuzz/corpus/TARGET) and fails, naming the inputs, when any crashed.
# Findings are kept in artifacts/fuzz/findings/TARGET; a crash found belongs in fuzz/regressions/TARGET/,
# which TspHost.Fuzz.Tests replays on every test run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
configuration=${CONFIGURATION:-Release}
shift || true
targets=("$@")
((${#targets[@]} > 0)) || targets=(frame at-result caller-id hid-descriptor)
out=artifacts/fuzz

command -v afl-fuzz >/dev/null || { echo "fuzz/run.sh: afl-fuzz is missing; install Debian's afl++ (apt-get install afl++)." >&2; exit 1; }
dotnet=$(command -v dotnet) || { echo "fuzz/run.sh: dotnet is not on PATH." >&2; exit 1; }

if ! built=$(dotnet build fuzz/TspHost.Fuzz -c "$configuration" -nologo -clp:NoSummary -v:quiet 2>&1); then
    echo "$built" >&2
    exit 1
fi
if [[ ! -x $out/tools/sharpfuzz ]]; then
    dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$out/tools" >/dev/null
fi

# A fresh copy each run: sharpfuzz rewrites the assemblies it instruments in place.
rm -rf "$out/bin"
mkdir -p "$out/bin"
cp -r "fuzz/TspHost.Fuzz/bin/$configuration/net10.0/." "$out/bin/"
for assembly in TspHost.Protocol.dll SerialModem.dll UsbHandset.dll; do
    "$out/tools/sharpfuzz" "$out/bin/$assembly" >/dev/null
done

status=0
for target in "${targets[@]}"; do
    findings="$out/findings/$target"
    rm -rf "$findings"
    mkdir -p "$findings"
    # The target is a managed program, not a binary afl instrumented (SharpFuzz reports coverage itself);
    # the machine is shared, so no CPU binding and no CPU-governor or core-pattern checks.
    # On a machine that is very busy, afl-fuzz's first dry run of the managed target often finds no
    # coverage ("No instrumentation detected") where a later start does: such a start is tried again,
    # up to six times. (Running the target before SharpFuzz's fork server is up is no way around it:
    # the instrumented code then has no coverage map to write to.)
    started=0
    for attempt in 1 2 3 4 5 6; do
        rm -rf "$findings/default"
        if AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
            AFL_FORKSRV_INIT_TMOUT=60000 \
            afl-fuzz -i "fuzz/corpus/$target" -o "$findings" -V "$seconds" -t 5000 -m none -- "$dotnet" "$out/bin/TspHost.Fuzz.dll" "$target" \
            >"$findings/afl.log" 2>&1; then
            started=1
            break
        fi
        grep -q "No instrumentation detected" "$findings/afl.log" || break
        echo "fuzz: $target: afl-fuzz found no coverage on its first run (attempt $attempt); starting it again" >&2
    done
    if ((started == 0)); then
        echo "fuzz: $target: afl-fuzz failed:" >&2
        grep -a -E "PROGRAM ABORT|Location|\[-\]" "$findings/afl.log" >&2 || tail -20 "$findings/afl.log" >&2
        status=1
        continue
    fi
    stats="$findings/default/fuzzer_stats"
    execs=$(sed -n 's/^execs_done *: *//p' "$stats")
    paths=$(sed -n 's/^corpus_count *: *//p' "$stats")
    crashes=$(find "$findings/default/crashes" -name 'id:*' 2>/dev/null | wc -l)
    hangs=$(find "$findings/default/hangs" -name 'id:*' 2>/dev/null | wc -l)
    echo "fuzz: $target: $execs inputs in ${seconds} s, $paths in the corpus, $crashes crash(es), $hangs hang(s)"
    if ((crashes > 0)); then
        echo "fuzz: $target crashed on (reproduce with: dotnet $out/bin/TspHost.Fuzz.dll $target FILE):" >&2
        find "$findings/default/crashes" -name 'id:*' >&2
        status=1
    fi
done
exit "$status"
