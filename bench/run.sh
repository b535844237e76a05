#!/usr/bin/env bash
# Runs the round-trip benchmarks on this machine and rewrites their section of bench/RESULTS.md.
# usage: bench/run.sh [calls per thread, default 20000] [rounds, default 5]
# The floor and the TSPI path take turns, round after round, so both see the same machine; each
# figure is the median of its rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-20000}
rounds=${2:-5}
out=artifacts/bench
mkdir -p "$out"

echo "Building (Release): the shim, tsphost, the Simulated plugin, the C programs" >&2
dotnet publish host/TspHost.Shim -c Release -r linux-x64 -o "$out/shim" -nologo -v:q -p:DebugType=none >/dev/null
dotnet build host/TspHost -c Release -nologo -v:q -o "$out/tsphost" >/dev/null
dotnet build plugins/Simulated -c Release -nologo -v:q -p:PluginsOutputDirectory="$PWD/$out/plugins/" >/dev/null
gcc -std=c11 -O2 -Wall -Wextra -Werror -pthread -o "$out/pingpong" bench/pingpong.c
gcc -std=c11 -O2 -Wall -Wextra -Werror -pthread -o "$out/tspibench" bench/tspibench.c -ldl

work=$(mktemp -d)
hosts=()
trap 'kill "${hosts[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
# Two daemons: as configured by default, and with Ipc:PollMicroseconds=0 (sleep in recv at once, as the plain floor's server does).
poll_us=20
for setting in default nopoll; do
    extra=()
    [[ $setting == nopoll ]] && extra=(TSPHOST_Ipc__PollMicroseconds=0)
    env TSPHOST_Logging__LogLevel__Default=Warning "${extra[@]}" ${BENCH_HOST_ENV:-} dotnet "$out/tsphost/tsphost.dll" run \
        --socket "$work/$setting.sock" --state-dir "$work/$setting-state" --plugins-dir "$out/plugins" >"$work/$setting.log" 2>&1 &
    hosts+=($!)
done
for setting in default nopoll; do
    for _ in $(seq 100); do [[ -S $work/$setting.sock ]] && break; sleep 0.1; done
    [[ -S $work/$setting.sock ]] || { echo "tsphost did not start:" >&2; cat "$work/$setting.log" >&2; exit 1; }
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$rounds"); do
    for threads in 1 8 64; do
        echo "round $round/$rounds: $threads thread(s)" >&2
        per=$((calls / (threads > 8 ? 8 : threads)))
        "$out/pingpong" "$threads" "$per" >>"$work/lines"
        "$out/pingpong" "$threads" "$per" "$poll_us" >>"$work/lines"
        TSPHOST_SOCKET="$work/default.sock" "$out/tspibench" "$out/shim/tsphost-shim.so" "$threads" "$per" >>"$work/lines"
        TSPHOST_SOCKET="$work/nopoll.sock" "$out/tspibench" "$out/shim/tsphost-shim.so" "$threads" "$per" | sed 's/^tspi-lineGetCallStatus/&-nopoll/' >>"$work/lines"
    done
done

# One row per benchmark and thread count: the median of each column over the rounds.
rows=$(sed 's/[a-z_0-9]*=//g' "$work/lines" | sort -k2,2n -k1,1 | awk '
    function median(list,   n, a, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
        return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
    }
    { key = $1 " " $2; if (!(key in calls)) order[++count] = key; calls[key] = $3; p50[key] = p50[key] " " $4; p99[key] = p99[key] " " $5; rate[key] = rate[key] " " $6 }
    END {
        for (i = 1; i <= count; i++) {
            k = order[i]; split(k, f, " ")
            printf "| %s | %s | %s | %.1f | %.1f | %.0f |\n", f[1], f[2], calls[k], median(p50[k]), median(p99[k]), median(rate[k])
        }
    }')
ratios=$(awk -F'|' -v poll="raw-unix-socket-poll${poll_us}us" '$3 + 0 == 1 { gsub(/ /, "", $2); p50[$2] = $5 }
    END { printf "**%.2fx** (with polling off in both: %.2fx; the TSPI path against a floor whose server polls as tsphost does: %.2fx)",
        p50["tspi-lineGetCallStatus"] / p50["raw-unix-socket"], p50["tspi-lineGetCallStatus-nopoll"] / p50["raw-unix-socket"], p50["tspi-lineGetCallStatus"] / p50[poll] }' <<<"$rows")

section=$(mktemp)
{
    echo "Written by \`bench/run.sh $calls $rounds\` on $(date -u +%Y-%m-%d)."
    echo
    echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM, Linux $(uname -r), .NET SDK $(dotnet --version); the tsphost daemon in Release, the shim Native AOT (net10.0), C compiled with gcc -O2. Load average when the run started: $load (on a shared machine single runs vary by a factor of two or more)."
    echo
    echo "- \`raw-unix-socket\`: the floor. C client and C server ping-pong 20-byte requests and 36-byte replies (the sizes of a lineGetCallStatus frame and its reply) over a Unix socket pair, one connection and one server thread per client thread."
    echo "- \`raw-unix-socket-poll${poll_us}us\`: the same, the server looking for the next request for ${poll_us} µs (a non-blocking recv, then sched_yield) before it sleeps in read(), as tsphost's connection thread does by default."
    echo "- \`tspi-lineGetCallStatus\`: a C program calls \`TSPI_lineGetCallStatus\` in the dlopen()ed shim on one connected call; the shim sends a frame over its one connection, tsphost asks the engine (Simulated backend), the reply fills LINECALLSTATUS. All threads share the shim's connection, as TAPI's threads would. tsphost as configured by default (\`Ipc:PollMicroseconds\` ${poll_us})."
    echo "- \`tspi-lineGetCallStatus-nopoll\`: the same against a second tsphost with \`Ipc:PollMicroseconds\` 0: its connection thread sleeps in recv as soon as it has answered."
    echo
    echo "Each figure is the median of $rounds rounds; in each round the floor and the TSPI path ran one after the other at each thread count. One thread, TSPI p50 over the floor's p50: ${ratios}."
    echo
    echo "| benchmark | threads | calls per round | p50 (µs) | p99 (µs) | calls/s |"
    echo "|---|---:|---:|---:|---:|---:|"
    echo "$rows"
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
