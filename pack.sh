#!/usr/bin/env bash
# Packs the plugin SDK into artifacts/packages: TspHost.Abstractions (the contract), TspHost.Testing
# and TspHost.Conformance (the conformance kit), TspHost.Templates (dotnet new tsphost-plugin).
# Each package carries its README, XML docs and source link; the libraries are package-validated.
# Usage: ./pack.sh     then, for example: dotnet new install TspHost.Templates --add-source artifacts/packages
set -euo pipefail
cd "$(dirname "$0")"
output=artifacts/packages
rm -rf "$output"
mkdir -p "$output"
for project in abstractions/TspHost.Abstractions tests/TspHost.Testing tests/TspHost.Conformance templates/TspHost.Templates; do
    echo "Packing $project ..."
    dotnet pack "$project" -c Release -o "$output" -nologo -v:q -clp:NoSummary
done
echo "Packages in $output:"
ls -1 "$output"
