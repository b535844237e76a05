#!/usr/bin/env bash
# Runs the round-trip benchmarks on this machine and rewrites their section of bench/RESULTS.md.
# usage: bench/run.sh [calls per thread, default 20000]
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-20000}
out=artifacts/bench
mkdir -p "$out"

dotnet publish host/TspHost.Shim -c Release -r linux-x64 -o "$out/shim" -nologo -v:q -p:DebugType=none
dotnet build host/TspHost -c Release -nologo -v:q -o "$out/tsphost" >/dev/null
gcc -std=c11 -O2 -Wall -Wextra -Werror -pthread -o "$out/pingpong" bench/pingpong.c
gcc -std=c11 -O2 -Wall -Wextra -Werror -pthread -o "$out/tspibench" bench/tspibench.c -ldl

work=$(mktemp -d)
trap 'kill "$host" 2>/dev/null || true; rm -rf "$work"' EXIT
env TSPHOST_Logging__LogLevel__Default=Warning ${BENCH_HOST_ENV:-} dotnet "$out/tsphost/tsphost.dll" run --socket "$work/s.sock" --state-dir "$work/state" >"$work/host.log" 2>&1 &
host=$!
for _ in $(seq 100); do [[ -S $work/s.sock ]] && break; sleep 0.1; done

load=$(cut -d' ' -f1-3 /proc/loadavg)
results=()
for threads in 1 8 64; do
    per=$((calls / (threads > 8 ? 8 : threads)))
    results+=("$("$out/pingpong" "$threads" "$per")")
    results+=("$(TSPHOST_SOCKET="$work/s.sock" "$out/tspibench" "$out/shim/tsphost-shim.so" "$threads" "$per")")
done

section=$(mktemp)
{
    echo "Written by \`bench/run.sh $calls\` on $(date -u +%Y-%m-%d)."
    echo
    echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM, Linux $(uname -r), .NET SDK $(dotnet --version); the tsphost daemon in Release, the shim Native AOT (net9.0), C compiled with gcc -O2. Load average when the run started: $load (on a shared machine single runs vary by a factor of two or more)."
    echo
    echo "- \`raw-unix-socket\`: the floor. C client and C server ping-pong 20-byte requests and 36-byte replies (the sizes of a lineGetCallStatus frame and its reply) over a Unix socket pair, one connection and one server thread per client thread."
    echo "- \`tspi-lineGetCallStatus\`: a C program calls \`TSPI_lineGetCallStatus\` in the dlopen()ed shim on one connected call; the shim sends a frame over its one connection, tsphost asks the engine (Simulated backend), the reply fills LINECALLSTATUS. All threads share the shim's connection, as TAPI's threads would."
    echo
    echo "| benchmark | threads | calls | p50 (µs) | p99 (µs) | calls/s |"
    echo "|---|---:|---:|---:|---:|---:|"
    for line in "${results[@]}"; do
        read -r name t c p50 p99 rate <<<"$(sed 's/[a-z_0-9]*=//g' <<<"$line")"
        echo "| $name | $t | $c | $p50 | $p99 | $rate |"
    done
    if [[ -f bench/notes.md ]]; then
        echo
        cat bench/notes.md
    fi
} > "$section"
# Only the section between the roundtrip markers is replaced; the other results stay as they are.
awk -v section="$section" '
    /<!-- roundtrip:begin -->/ { print; while ((getline line < section) > 0) print line; skipping = 1; next }
    /<!-- roundtrip:end -->/ { skipping = 0 }
    !skipping { print }
' bench/RESULTS.md > "$section.new" && mv "$section.new" bench/RESULTS.md
rm -f "$section"
cat bench/RESULTS.md
