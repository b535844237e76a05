using TspHost.Abstractions;
using TspHost.Conformance;
using TspHost.Plugins.UsbHandset.Device;

namespace TspHost.Plugins.UsbHandset.Tests.Conformance;

/// <summary>
/// The backend contract, checked against UsbHandset on fake devices: a desk handset with a keypad and
/// LEDs, a headset, and a vendor-defined handset driven by a key map (no LEDs, so it advertises no
/// features). The backend has phones only, so the line and call facts are skipped and say why.
/// </summary>
public sealed class UsbHandsetConformanceTests : BackendConformanceTests
{
    private readonly FakeTransport _transport = new();

    // Each fake device and the input report that lifts its hook switch.
    private readonly Dictionary<string, string> _liftReports = [];

    public UsbHandsetConformanceTests()
    {
        Plug(Descriptors.ActionsPhone, "0B0E:0001", "handset", "07 01 60");
        Plug(Descriptors.ExampleHeadset, "0B0E:0001", "headset", "01 01");
        Plug(Descriptors.Hex("06 00 FF 09 01 A1 01 15 00 26 FF 00 75 08 95 02 81 02 C0"), "03F0:1C07", "vendor", "0041");
    }

    protected override ITelephonyBackend CreateBackend() => new UsbHandsetBackend(_ => _transport);

    // A short rescan period, so hot plug scans run alongside everything the suite does.
    protected override BackendSettings Settings { get; } = new(
        [
            new("Devices", "03F0:1C07"),
            new("Device:03F0:1C07:KeyMap", "0041=offhook, 0040=onhook, 0007=1, 0005=1 up"),
            new("Device:0B0E:0001:AssociatedLine", "Simulated/line-1"),
            new("RescanIntervalMs", "20"),
        ],
        "test settings",
        "Plugins:UsbHandset");

    protected override IEnumerable<KeyValuePair<string, string>> InvalidSettings =>
    [
        new("Transport", "serial"),
        new("Devices", "0B0E"),
        new("Discover", "maybe"),
        new("RescanIntervalMs", "-5"),
        new("Device:0B0E:0001:KeyMap", "0041=dance"),
        new("Device:0B0E:0001:Colour", "red"),
    ];

    protected override bool ExpectsLines => false;

    protected override bool ExpectsPhones => true;

    protected override bool CanTriggerPhoneEvent => true;

    // The devices are read by a thread of their own, in real time.
    protected override TimeProvider CreateTimeProvider() => TimeProvider.System;

    // Lifts the hook switch, through an input report of the device.
    protected override ValueTask TriggerPhoneEventAsync(IBackendSession session, IPhoneDevice phone)
    {
        var device = Assert.IsType<UsbHandsetPhone>(phone).Device;
        _transport.Connections[device.Path].Feed(_liftReports[device.Key]);
        return ValueTask.CompletedTask;
    }

    private void Plug(byte[] descriptor, string vidPid, string where, string liftReport) =>
        _liftReports[_transport.Plug(descriptor, vidPid, where).Key] = liftReport;
}
