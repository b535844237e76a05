using TspHost.Abstractions;
using TspHost.Conformance;
using TspHost.Testing;

namespace TspHost.Plugins.SerialModem.Tests.Fakes;

/// <summary>Records what a call reports, in order.</summary>
internal sealed class RecordingCallEvents : ICallEvents
{
    private readonly RecordedList<string> _events = new();

    public IReadOnlyList<string> Events => _events.Items;

    public PartyId? Caller { get; private set; }

    public void StateChanged(CallState state, DisconnectMode disconnectMode = DisconnectMode.None) =>
        Add(disconnectMode == DisconnectMode.None ? $"{state}" : $"{state}({disconnectMode})");

    public void PartyChanged(PartyRole role, PartyId party)
    {
        Caller = party;
        Add($"Party {role} {party.Number} {party.Name} {party.Availability}");
    }

    public void MediaModeChanged(MediaModes mediaMode) => Add($"Media {mediaMode}");

    public void DigitReceived(char digit) => Add($"Digit {digit}");

    public Task WaitForAsync(string entry) => Eventually.WaitAsync(() => Events.Contains(entry), () => $"call event {entry}; saw [{string.Join(", ", Events)}]");

    private void Add(string entry) => _events.Add(entry);
}

/// <summary>Records what a line reports; incoming calls get their own recorders.</summary>
internal sealed class RecordingLineEvents : ILineEvents
{
    private readonly RecordedList<string> _events = new();
    private readonly RecordedList<(IBackendCall Call, NewCallInfo Info, RecordingCallEvents Events)> _calls = new();

    public IReadOnlyList<string> Events => _events.Items;

    public IReadOnlyList<(IBackendCall Call, NewCallInfo Info, RecordingCallEvents Events)> Calls => _calls.Items;

    public ICallEvents NewCall(IBackendCall call, NewCallInfo info)
    {
        var events = new RecordingCallEvents();
        _calls.Add((call, info, events));
        _events.Add($"NewCall {info.InitialState}");
        return events;
    }

    public void Ringing(int ringCount) => Add($"Ringing {ringCount}");

    public void ServiceChanged(bool inService) => Add(inService ? "InService" : "OutOfService");

    public Task WaitForAsync(string entry, int occurrences = 1) =>
        Eventually.WaitAsync(() => Events.Count(e => e == entry) >= occurrences, () => $"line event {entry} x{occurrences}; saw [{string.Join(", ", Events)}]");

    private void Add(string entry) => _events.Add(entry);
}

internal sealed class NullSessionEvents : ISessionEvents
{
    public void LineArrived(ILineDevice line)
    {
    }

    public void LineDeparted(ILineDevice line)
    {
    }

    public void PhoneArrived(IPhoneDevice phone)
    {
    }

    public void PhoneDeparted(IPhoneDevice phone)
    {
    }
}
