#!/usr/bin/env bash
# Records a deliberate change of a tracked public API (projects with TrackPublicApi=true): builds each
# project given, and adds what the analyzer reports to its PublicAPI.Unshipped.txt: a new member
# (RS0016) as it is, a shipped member that is gone or changed (RS0017) as *REMOVED*<member>. Review
# the diff: a removed or changed member of the contract breaks plugins (its major version must change).
# Usage: eng/update-public-api.sh abstractions/TspHost.Abstractions [host/TspHost.Protocol ...]
set -euo pipefail
(($# > 0)) || { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
for project in "$@"; do
    directory=$(cd "$project" && pwd)
    unshipped=$directory/PublicAPI.Unshipped.txt
    [[ -f $unshipped ]] || { echo "update-public-api: $directory has no PublicAPI.Unshipped.txt" >&2; exit 1; }
    output=$(dotnet build "$directory" -nologo -v:q -clp:NoSummary -p:TreatWarningsAsErrors=false 2>&1 || true)
    added=$(grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" <<<"$output" | sort -u || true)
    removed=$(grep -oP "PublicAPI\.Shipped\.txt\(\d+,\d+\): (error|warning) RS0017: Symbol '\K.*(?=' is part of the declared API)" <<<"$output" | sort -u | sed 's/^/*REMOVED*/' || true)
    # Unshipped members that are gone are simply dropped from the file.
    gone=$(grep -oP "PublicAPI\.Unshipped\.txt\(\d+,\d+\): (error|warning) RS0017: Symbol '\K.*(?=' is part of the declared API)" <<<"$output" || true)
    {
        grep -vxF -f <(printf '%s\n' "$gone" | sed '/^$/d') "$unshipped" | grep -v '^#nullable' || true
        printf '%s\n' "$added" "$removed"
    } | sed '/^$/d' | sort -u | { echo '#nullable enable'; cat; } >"$unshipped.new"
    mv "$unshipped.new" "$unshipped"
    echo "$project: $(grep -c . <<<"$added" || true) added, $(grep -c . <<<"$removed" || true) removed"
done
