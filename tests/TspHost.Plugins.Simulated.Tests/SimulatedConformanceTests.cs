using TspHost.Abstractions;
using TspHost.Conformance;

namespace TspHost.Plugins.Simulated.Tests;

/// <summary>The backend contract, checked against the Simulated backend on a manual clock.</summary>
public class SimulatedConformanceTests : BackendConformanceTests
{
    protected override ITelephonyBackend CreateBackend() => new SimulatedBackend();

    protected override BackendSettings Settings { get; } = new([new("Lines", "2"), new("RingInterval", "1000")], "test settings", "Plugins:Simulated");

    protected override IEnumerable<KeyValuePair<string, string>> InvalidSettings =>
    [
        new("Lines", "0"),
        new("Lines", "many"),
        new("Phones", "-1"),
        new("FirstNumber", "7"),
        new("RingInterval", "soon"),
        new("RingsBeforeAnswer", "0"),
        new("NoAnswerRings", "x"),
        new("BusyNumbers", "12"),
        new("NoAnswerNumbers", "55501a8"),
        new("UnreachableNumbers", "1"),
        new("IncomingCalls", "3000:line-9:5551234"),
        new("ResponseDelay", "slow"),
    ];

    protected override bool ExpectsPhones => true;

    protected override string? AnsweringNumber => "5551000";

    protected override bool CanTriggerIncomingCall => true;

    protected override bool CanTriggerPhoneEvent => true;

    protected override ValueTask TriggerIncomingCallAsync(IBackendSession session, ILineDevice line)
    {
        Exchange(session).InjectIncomingCall(line.Key, new PartyId { Number = "5551234", Name = "Alice" });
        return ValueTask.CompletedTask;
    }

    protected override ValueTask TriggerPhoneEventAsync(IBackendSession session, IPhoneDevice phone)
    {
        Exchange(session).PressKey(phone.Key, '5');
        return ValueTask.CompletedTask;
    }

    private static SimulatedExchange Exchange(IBackendSession session) => Assert.IsType<SimulatedSession>(session).Exchange;
}

/// <summary>
/// The same contract on the real clock, with rings 10 ms apart: the exchange's timers then fire on
/// thread-pool threads while the suite works on its own.
/// </summary>
public sealed class SimulatedSystemClockConformanceTests : SimulatedConformanceTests
{
    protected override BackendSettings Settings { get; } = new([new("Lines", "2"), new("RingInterval", "10")], "test settings", "Plugins:Simulated");

    protected override TimeProvider CreateTimeProvider() => TimeProvider.System;

    protected override TimeSpan QuietPeriod => TimeSpan.FromMilliseconds(100);
}

/// <summary>
/// The same contract with every asynchronous request taking 1.5 s on the manual clock (ResponseDelay),
/// which the suite lets pass while it waits.
/// </summary>
public sealed class SimulatedResponseDelayConformanceTests : SimulatedConformanceTests
{
    protected override BackendSettings Settings { get; } =
        new([new("Lines", "2"), new("RingInterval", "1000"), new("ResponseDelay", "1500")], "test settings", "Plugins:Simulated");
}
