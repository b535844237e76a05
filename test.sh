#!/usr/bin/env bash
# Builds everything and runs every test, installing the OS packages the tests need when missing.
# Usage: ./test.sh [extra dotnet test arguments]
# Ends with one summary line: "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

results=artifacts/test-results
configuration=${CONFIGURATION:-Debug}

say() { printf '\n== %s\n' "$*"; }

# OS packages, each as probe=package. A probe is a command on PATH, an absolute path, or a shared
# library name (lib*.so*) that the dynamic linker knows.
require_packages() {
    local missing=()
    local pair libraries
    for pair in "$@"; do
        local probe=${pair%%=*} package=${pair#*=}
        if [[ $probe == /* ]]; then
            [[ -e $probe ]] || missing+=("$package")
        elif [[ $probe == lib*.so* ]]; then
            # ldconfig -p lists "<tab>NAME (abi) => path". Read once into a variable: piped into
            # grep -q, ldconfig can be killed by SIGPIPE, which pipefail counts as a failure.
            [[ -n ${libraries+set} ]] || libraries=$({ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null || true)
            grep -qF $'\t'"$probe (" <<<"$libraries" || missing+=("$package")
        else
            command -v "$probe" >/dev/null 2>&1 || missing+=("$package")
        fi
    done
    ((${#missing[@]} == 0)) && return 0
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    say "Installing OS packages the tests need: ${missing[*]}"
    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 || { echo "test.sh: these packages are missing and there is no sudo to install them: ${missing[*]}" >&2; exit 1; }
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq || { echo "test.sh: apt-get update failed; install by hand: ${missing[*]}" >&2; exit 1; }
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        { echo "test.sh: could not install ${missing[*]}; install them by hand and run again." >&2; exit 1; }
}

command -v dotnet >/dev/null 2>&1 || { echo "test.sh: the .NET SDK (dotnet) is not on PATH; see global.json for the version." >&2; exit 1; }

# gcc compiles tests/tapisim, the C program that loads the Native AOT shim (whose link step also
# uses it). mingw-w64's gcc for x86_64 Windows, with its Windows headers, compiles the shim's TAPI
# structure layouts and TSPI signatures against tapi.h and tspi.h (TapiLayoutTests). The UsbHandset
# device tests fake a handset with umockdev (sysfs and /dev through LD_PRELOAD) and drive the
# libusb transport against it. strace records the order of the daemon's system calls for the
# systemd notify test (listen before READY=1). afl++ drives the coverage-guided fuzzing of the parsers (fuzz/run.sh).
require_packages \
    afl-fuzz=afl++ \
    gcc=gcc \
    strace=strace \
    x86_64-w64-mingw32-gcc=gcc-mingw-w64-x86-64 \
    umockdev-run=umockdev \
    libumockdev.so.0=libumockdev0 \
    libumockdev-preload.so.0=libumockdev0 \
    libusb-1.0.so.0=libusb-1.0-0

say "Building (warnings are errors)"
dotnet build Plugins.sln -c "$configuration" -nologo -clp:NoSummary -v:quiet

# The plugin SDK packages: the third-party test (ThirdPartyPluginTests) installs the template from them.
say "Packing the plugin SDK (./pack.sh)"
./pack.sh >/dev/null

say "Running tests"
rm -rf "$results"
mkdir -p "$results"
status=0
# Every test project of the solution (projects named *Tests), one run each, so each writes its own
# TRX file and a project can bring its own run settings (a .runsettings file beside it).
mapfile -t projects < <(dotnet sln Plugins.sln list | grep -E 'Tests\.csproj$' | sort)
((${#projects[@]} > 0)) || { echo "test.sh: Plugins.sln lists no test project." >&2; exit 1; }
for project in "${projects[@]}"; do
    name=$(basename "$project" .csproj)
    settings=()
    runsettings="$(dirname "$project")/$name.runsettings"
    [[ -f $runsettings ]] && settings=(--settings "$runsettings")
    echo "-- $name"
    dotnet test "$project" -c "$configuration" --no-build -nologo "${settings[@]}" \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results" \
        --blame-hang-timeout 5m "$@" || status=$?
done

# A short, time-boxed fuzzing run of every parser target (FUZZ_SECONDS each; fuzz/README.md has the long run).
say "Fuzzing the parsers (${FUZZ_SECONDS:-10} s a target)"
CONFIGURATION=$configuration fuzz/run.sh "${FUZZ_SECONDS:-10}" || status=1

# One line a test project, then the total, read from the TRX files the runs wrote.
passed=0 failed=0 skipped=0
shopt -s nullglob
trx_files=("$results"/*.trx)
for trx in "${trx_files[@]}"; do
    # grep -m1 rather than "| head -1": under pipefail, head closing the pipe early kills grep (SIGPIPE).
    counters=$(grep -m1 -o '<Counters [^>]*>' "$trx") && counters=${counters%%$'\n'*}
    get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
    total=$(get total) p=$(get passed) f=$(( $(get failed) + $(get error) + $(get timeout) + $(get aborted) ))
    s=$(( total - p - f ))
    printf '   %-45s %4d passed, %d failed, %d skipped\n' "$(basename "$trx" .trx)" "$p" "$f" "$s"
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done

if ((${#trx_files[@]} < ${#projects[@]})); then
    echo "test.sh: ${#projects[@]} test projects, but only ${#trx_files[@]} wrote results; a test run did not start." >&2
    status=1
fi
if ((passed == 0)); then
    echo "test.sh: no test ran." >&2
    status=1
fi
((failed == 0)) || status=1

echo
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
