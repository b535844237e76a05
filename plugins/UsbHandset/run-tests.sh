#!/bin/sh
# Runs the UsbHandset tests from the repository root: the unit tables, then the umockdev device
# tests. Installs the Debian packages the device tests need when they are missing (as root, or
# through sudo): umockdev and libumockdev0 (fake sysfs and device nodes), libusb-1.0-0 (the libusb
# transport).
set -eu
cd "$(dirname "$0")/../.."

missing=""
ldconfig -p | grep -q 'libumockdev-preload.so.0 ' || missing="$missing umockdev libumockdev0"
ldconfig -p | grep -q 'libusb-1.0.so.0 ' || missing="$missing libusb-1.0-0"
if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    # shellcheck disable=SC2086
    $sudo apt-get install -y $missing
fi

dotnet test tests/TspHost.Plugins.UsbHandset.Tests
# Its own test host: a live umockdev testbed redirects /sys and /dev for the whole process.
dotnet test tests/TspHost.Plugins.UsbHandset.DeviceTests
