#!/usr/bin/env bash
# Installs tsphost from this checkout for the current user: a framework-dependent publish of tsphost
# with its plugins in plugins/ beside the executable and the Native AOT shim (tsphost-shim.so), a
# link on PATH, and the systemd user unit.
# Usage: ./install.sh [--prefix DIR]      (default DIR: ~/.local)
#   DIR/lib/tsphost/       tsphost, tsphost-shim.so, plugins/<Name>/
#   DIR/bin/tsphost        a link to DIR/lib/tsphost/tsphost
#   ~/.config/systemd/user/tsphost.service
# Run it again to update; a running daemon keeps its files until it restarts.
set -euo pipefail
cd "$(dirname "$0")"

prefix=$HOME/.local
while (($#)); do
    case $1 in
        --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
        -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
command -v dotnet >/dev/null 2>&1 || { echo "install.sh: the .NET SDK (dotnet) is not on PATH; see global.json for the version." >&2; exit 1; }

case $(uname -m) in
    x86_64) rid=linux-x64 ;;
    aarch64 | arm64) rid=linux-arm64 ;;
    *) echo "install.sh: no Native AOT shim for $(uname -m)" >&2; exit 1 ;;
esac

prefix=$(mkdir -p "$prefix" && cd "$prefix" && pwd)
lib=$prefix/lib/tsphost
mkdir -p "$prefix/lib" "$prefix/bin"
# Everything goes into a staging folder beside the target first, which then replaces the old
# install in one rename: a failed build leaves the old install as it was.
stage=$(mktemp -d "$prefix/lib/.tsphost-install.XXXXXX")
trap 'rm -rf "$stage"' EXIT

publish() { dotnet publish "$@" -c Release -nologo -v:q -clp:NoSummary -p:DebugType=none; }
echo "Publishing tsphost ($rid) ..."
publish host/TspHost/TspHost.csproj -r "$rid" --self-contained false -o "$stage" -p:BuildPluginFolders=false
for project in plugins/*/*.csproj; do
    name=$(basename "$(dirname "$project")")
    echo "Publishing plugin $name ..."
    publish "$project" -o "$stage/plugins/$name"
done
echo "Publishing the shim with Native AOT ..."
publish host/TspHost.Shim/TspHost.Shim.csproj -r "$rid" -o "$stage/.shim" -p:StripSymbols=true
mv "$stage/.shim/tsphost-shim.so" "$stage/"
rm -rf "$stage/.shim"

rm -rf "$lib.old"
[[ -e $lib ]] && mv "$lib" "$lib.old"
mv "$stage" "$lib"
rm -rf "$lib.old"
ln -sfn "$lib/tsphost" "$prefix/bin/tsphost"

units=${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user
mkdir -p "$units"
sed "s|%h/.local/bin/tsphost|$prefix/bin/tsphost|" deploy/systemd/tsphost.service >"$units/tsphost.service"

echo
echo "Installed tsphost in $lib; $prefix/bin/tsphost links to it."
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "Add $prefix/bin to PATH:  export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
echo "Try: tsphost demo"
echo "As a service: systemctl --user daemon-reload && systemctl --user enable --now tsphost"
