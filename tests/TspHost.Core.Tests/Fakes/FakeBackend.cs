using System.Collections.Concurrent;
using TspHost.Abstractions;

namespace TspHost.Core.Tests.Fakes;

/// <summary>
/// A backend whose behaviour each test scripts: what make call does, whether a hook throws, what the
/// devices support. It records every hook and session start, so tests can see what the engine did.
/// </summary>
public sealed class FakeBackend(string name = "Fake") : ITelephonyBackend
{
    public string Name { get; } = name;

    public int LineCount { get; set; } = 2;

    public int PhoneCount { get; set; } = 1;

    public LineCapabilities LineCaps { get; set; } = new() { Name = "Fake line", Features = LineFeatures.All, MaxActiveCalls = 4 };

    public PhoneCapabilities PhoneCaps { get; set; } = new()
    {
        Name = "Fake phone",
        Features = PhoneFeatures.SetHookSwitch | PhoneFeatures.SetRing | PhoneFeatures.SetLamp,
        RingModes = 3,
        LampCount = 2,
    };

    /// <summary>What every line's make call does; the default reports DIALING then CONNECTED and succeeds.</summary>
    public Func<MakeCallRequest, ICallEvents, CancellationToken, ValueTask<IBackendCall>>? OnMakeCall { get; set; }

    /// <summary>What every call operation does besides reporting the usual state; the default succeeds.</summary>
    public Func<string, CancellationToken, ValueTask>? OnCallOperation { get; set; }

    public Func<string, Exception?> HookFailure { get; set; } = _ => null;

    /// <summary>What ending a session does (its DisposeAsync); the default ends at once.</summary>
    public Func<ValueTask>? OnSessionEnd { get; set; }

    public ConcurrentQueue<string> Hooks { get; } = new();

    public ConcurrentQueue<BackendSettings> SessionSettings { get; } = new();

    public FakeSession? LastSession { get; private set; }

    public ConcurrentQueue<FakeCall> ReleasedCalls { get; } = new();

    /// <summary>Runs inside ValidateSettings (a hostile plugin throws or hangs here).</summary>
    public Action<BackendSettings>? OnValidate { get; set; }

    /// <summary>Runs inside every line's Capabilities getter (a hostile plugin throws or hangs here).</summary>
    public Action? OnReadLineCapabilities { get; set; }

    public void ValidateSettings(BackendSettings settings)
    {
        settings.GetInt32("Lines", 2, 0, 16);
        OnValidate?.Invoke(settings);
    }

    public ValueTask InstallAsync(BackendHookContext context, CancellationToken cancellationToken) => Hook("install");

    public ValueTask ConfigureAsync(BackendHookContext context, CancellationToken cancellationToken) => Hook($"configure Lines={context.Settings.GetString("Lines", "-")}");

    public ValueTask RemoveAsync(BackendHookContext context, CancellationToken cancellationToken) => Hook("remove");

    public ValueTask<IBackendSession> StartSessionAsync(BackendSessionContext context, CancellationToken cancellationToken)
    {
        SessionSettings.Enqueue(context.Settings);
        var lines = context.Settings.GetInt32("Lines", LineCount, 0, 16);
        LastSession = new FakeSession(this, context.Events, lines, PhoneCount, OnSessionEnd);
        return ValueTask.FromResult<IBackendSession>(LastSession);
    }

    private ValueTask Hook(string hook)
    {
        Hooks.Enqueue(hook);
        return HookFailure(hook.Split(' ')[0]) is { } e ? ValueTask.FromException(e) : ValueTask.CompletedTask;
    }
}

public sealed class FakeSession : IBackendSession
{
    private readonly Func<ValueTask>? _onEnd;

    public FakeSession(FakeBackend backend, ISessionEvents events, int lines, int phones, Func<ValueTask>? onEnd = null)
    {
        _onEnd = onEnd;
        Events = events;
        Lines = [.. Enumerable.Range(1, lines).Select(i => new FakeLine(backend, $"line-{i}"))];
        Phones = [.. Enumerable.Range(1, phones).Select(i => new FakePhone(backend, $"phone-{i}"))];
    }

    public ISessionEvents Events { get; }

    public IReadOnlyList<ILineDevice> Lines { get; }

    public IReadOnlyList<IPhoneDevice> Phones { get; }

    public FakeLine Line(int i) => (FakeLine)Lines[i];

    public FakePhone Phone(int i) => (FakePhone)Phones[i];

    public bool Disposed { get; private set; }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return _onEnd?.Invoke() ?? ValueTask.CompletedTask;
    }
}

public sealed class FakeLine(FakeBackend backend, string key) : ILineDevice
{
    private int _calls;

    public string Key { get; } = key;

    public LineCapabilities Capabilities
    {
        get
        {
            backend.OnReadLineCapabilities?.Invoke();
            return backend.LineCaps;
        }
    }

    public ILineEvents? Events { get; private set; }

    public int Opens { get; private set; }

    public int Closes { get; private set; }

    public ValueTask OpenAsync(ILineEvents events, CancellationToken cancellationToken)
    {
        Events = events;
        Opens++;
        return ValueTask.CompletedTask;
    }

    public ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        Closes++;
        return ValueTask.CompletedTask;
    }

    public FakeCall NewCall() => new(backend, $"{Key}/call-{Interlocked.Increment(ref _calls)}");

    /// <summary>Announces an incoming call, as the hardware would.</summary>
    public (FakeCall Call, ICallEvents Events) Ring(string? callerNumber = "5551234", string? callerName = "Alice")
    {
        var call = NewCall();
        var sink = Events!.NewCall(call, new NewCallInfo { InitialState = CallState.Offering, Origin = CallOrigin.Inbound, MediaMode = MediaModes.InteractiveVoice, Caller = new PartyId { Number = callerNumber, Name = callerName } });
        call.Events = sink;
        return (call, sink);
    }

    public async ValueTask<IBackendCall> MakeCallAsync(MakeCallRequest request, ICallEvents events, CancellationToken cancellationToken)
    {
        if (backend.OnMakeCall is { } custom)
        {
            return await custom(request, events, cancellationToken);
        }

        var call = NewCall();
        call.Events = events;
        events.StateChanged(CallState.Dialing);
        events.StateChanged(CallState.Connected);
        return call;
    }

    public ValueTask<ConferenceSetup> SetupConferenceAsync(IBackendCall? initialCall, ICallEvents conferenceEvents, ICallEvents consultationEvents, int parties, CancellationToken cancellationToken)
    {
        var conference = NewCall();
        conference.Events = conferenceEvents;
        var consult = NewCall();
        consult.Events = consultationEvents;
        ((FakeCall?)initialCall)?.Events?.StateChanged(CallState.Conferenced);
        conferenceEvents.StateChanged(CallState.OnHoldPendingConference);
        consultationEvents.StateChanged(CallState.DialTone);
        return ValueTask.FromResult(new ConferenceSetup { Conference = conference, Consultation = consult });
    }
}

public sealed class FakeCall(FakeBackend backend, string id) : IBackendCall
{
    public string Id { get; } = id;

    public ICallEvents? Events { get; set; }

    public int Releases { get; private set; }

    public ValueTask AnswerAsync(CancellationToken cancellationToken) => Operation("answer", CallState.Connected, cancellationToken);

    /// <summary>What DialAsync was given, in order.</summary>
    public List<string> Dialled { get; } = [];

    public ValueTask DialAsync(string digits, CancellationToken cancellationToken)
    {
        lock (Dialled)
        {
            Dialled.Add(digits);
        }

        return Operation("dial", CallState.Dialing, cancellationToken);
    }

    public ValueTask DropAsync(CancellationToken cancellationToken) => Operation("drop", CallState.Idle, cancellationToken);

    public ValueTask HoldAsync(CancellationToken cancellationToken) => Operation("hold", CallState.OnHold, cancellationToken);

    public ValueTask UnholdAsync(CancellationToken cancellationToken) => Operation("unhold", CallState.Connected, cancellationToken);

    public async ValueTask<IBackendCall> SetupTransferAsync(ICallEvents consultationEvents, CancellationToken cancellationToken)
    {
        await Operation("setupTransfer", CallState.OnHoldPendingTransfer, cancellationToken);
        var consult = new FakeCall(backend, Id + "/consult") { Events = consultationEvents };
        consultationEvents.StateChanged(CallState.DialTone);
        return consult;
    }

    public async ValueTask<IBackendCall?> CompleteTransferAsync(IBackendCall consultation, TransferMode mode, ICallEvents? conferenceEvents, CancellationToken cancellationToken)
    {
        var consult = (FakeCall)consultation;
        if (mode == TransferMode.Transfer)
        {
            await Operation("completeTransfer", CallState.Idle, cancellationToken);
            consult.Events?.StateChanged(CallState.Idle);
            return null;
        }

        await Operation("completeTransfer", CallState.Conferenced, cancellationToken);
        consult.Events?.StateChanged(CallState.Conferenced);
        conferenceEvents!.StateChanged(CallState.Connected);
        return new FakeCall(backend, Id + "/conference") { Events = conferenceEvents };
    }

    public ValueTask ReleaseAsync(CancellationToken cancellationToken)
    {
        Releases++;
        backend.ReleasedCalls.Enqueue(this);
        return ValueTask.CompletedTask;
    }

    private async ValueTask Operation(string name, CallState resulting, CancellationToken cancellationToken)
    {
        if (backend.OnCallOperation is { } custom)
        {
            await custom(name, cancellationToken);
        }

        Events?.StateChanged(resulting);
    }
}

public sealed class FakePhone(FakeBackend backend, string key) : IPhoneDevice
{
    public string Key { get; } = key;

    public PhoneCapabilities Capabilities => backend.PhoneCaps;

    public IPhoneEvents? Events { get; private set; }

    public List<string> Actions { get; } = [];

    public Func<CancellationToken, ValueTask>? OnSetRing { get; set; }

    public ValueTask OpenAsync(IPhoneEvents events, CancellationToken cancellationToken)
    {
        Events = events;
        return ValueTask.CompletedTask;
    }

    public ValueTask CloseAsync(CancellationToken cancellationToken) => Record("close");

    public ValueTask SetHookSwitchAsync(HookSwitchDevices devices, HookSwitchMode mode, CancellationToken cancellationToken) => Record($"hook {devices} {mode}");

    public async ValueTask SetRingAsync(int ringMode, int volume, CancellationToken cancellationToken)
    {
        if (OnSetRing is { } custom)
        {
            await custom(cancellationToken);
        }

        await Record($"ring {ringMode} {volume}");
    }

    public ValueTask SetLampAsync(int lampId, LampMode mode, CancellationToken cancellationToken) => Record($"lamp {lampId} {mode}");

    private ValueTask Record(string action)
    {
        lock (Actions)
        {
            Actions.Add(action);
        }

        return ValueTask.CompletedTask;
    }
}
