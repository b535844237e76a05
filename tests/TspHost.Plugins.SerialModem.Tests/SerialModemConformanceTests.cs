using TspHost.Abstractions;
using TspHost.Conformance;
using TspHost.Plugins.SerialModem.Tests.Fakes;
using TspHost.Testing;

namespace TspHost.Plugins.SerialModem.Tests;

/// <summary>
/// The backend contract, checked against SerialModem with two fake Hayes modems (two lines) on
/// pseudo-terminals: the plugin goes through its real System.IO.Ports code. A dial rings at the far end
/// until the suite makes it answer (OK), and a modem rings with caller ID on demand; calls are placed
/// on the first line and arrive on the second, so a session can have both at once. Real clock, short timeouts: the modems are real I/O.
/// </summary>
public class SerialModemConformanceTests : BackendConformanceTests
{
    // The far end rings until the suite makes it answer, so calls are dropped, released and closed while being set up.
    private readonly FakeModem[] _modems =
    [
        new() { DialOutcome = (_, _) => null },
        new() { DialOutcome = (_, _) => null, Manufacturer = "Other", Model = "56k" },
    ];
    private IFakeModemLink[]? _links;
    private BackendSettings? _settings;

    protected override ITelephonyBackend CreateBackend() => new SerialModemBackend();

    protected override BackendSettings Settings =>
        _settings ??= new(FakeModemSettings.For(Links.Select(l => l.PortSetting)), "test settings", "Plugins:SerialModem");

    protected override IEnumerable<KeyValuePair<string, string>> InvalidSettings =>
    [
        new("Modem1:Port", "ttyUSB0"),
        new("Modem1:Port", "tcp://modem"),
        new("Modem1:Port", "tcp://modem:70000"),
        new("Modem1:Baud", "12345"),
        new("Modem1:Voice", "maybe"),
        new("Modem1:DialPrefix", "X"),
        new("Modem1:InitCommands", "ATM0|reset"),
        new("Modem1:Speed", "fast"),
        new("Modem2:Port", Links[0].PortSetting),
        new("CommandTimeout", "soon"),
        new("Modem1:DialTimeout", "0"),
        new("Timeout", "5"),
    ];

    protected override bool ExpectsPhones => false;

    protected override string? AnsweringNumber => "5551000";

    protected override bool CanTriggerIncomingCall => true;

    protected override TimeProvider CreateTimeProvider() => TimeProvider.System;

    protected override TimeSpan QuietPeriod => TimeSpan.FromMilliseconds(200);

    private IFakeModemLink[] Links => _links ??= [.. _modems.Select(CreateLink)];

    internal virtual IFakeModemLink CreateLink(FakeModem modem) => new PtyModemLink(modem);

    protected override ILineDevice? SelectAnsweringLine(IBackendSession session) => session?.Lines[^1];

    protected override async ValueTask MakeFarEndAnswerAsync(IBackendSession session, ILineDevice line, IBackendCall call)
    {
        var modem = ModemOf(line);
        await Eventually.WaitAsync(() => modem.DialPending, "the modem to dial");
        modem.AnswerDial();
    }

    protected override ValueTask TriggerIncomingCallAsync(IBackendSession session, ILineDevice line)
    {
        ModemOf(line).Ring("DATE = 0321", "TIME = 1405", "NMBR = 5551234", "NAME = ALICE");
        return ValueTask.CompletedTask;
    }

    private FakeModem ModemOf(ILineDevice line) => _modems[Array.FindIndex(Links, l => l.PortSetting == line.Key)];

    protected override async ValueTask DisposeTestResourcesAsync()
    {
        foreach (var link in _links ?? [])
        {
            await link.DisposeAsync();
        }
    }
}

/// <summary>The same contract with the fake modem behind a raw TCP serial server.</summary>
public sealed class SerialModemOverTcpConformanceTests : SerialModemConformanceTests
{
    internal override IFakeModemLink CreateLink(FakeModem modem) => new TcpModemLink(modem);
}
