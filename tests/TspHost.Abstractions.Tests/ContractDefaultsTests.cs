namespace TspHost.Abstractions.Tests;

/// <summary>
/// What a backend gets without writing it: optional operations fail with OperationUnavailable (the
/// host turns that into LINEERR_OPERATIONUNAVAIL / PHONEERR_OPERATIONUNAVAIL), hooks do nothing, and
/// the records grow by properties while contract 1.0's constructors keep working.
/// </summary>
public sealed class ContractDefaultsTests
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    [Fact]
    public async Task OptionalLineAndCallOperations_NotImplemented_FailWithOperationUnavailable()
    {
        ILineDevice line = new MinimalLine();
        IBackendCall call = new MinimalCall();

        await AssertUnavailableAsync(() => line.SetupConferenceAsync(null, new NoCallEvents(), new NoCallEvents(), 3, s_none).AsTask(), "conference");
        await AssertUnavailableAsync(() => call.AnswerAsync(s_none).AsTask(), "Answering");
        await AssertUnavailableAsync(() => call.DialAsync("1", s_none).AsTask(), "Dialling");
        await AssertUnavailableAsync(() => call.HoldAsync(s_none).AsTask(), "Hold");
        await AssertUnavailableAsync(() => call.UnholdAsync(s_none).AsTask(), "held call");
        await AssertUnavailableAsync(() => call.SetupTransferAsync(new NoCallEvents(), s_none).AsTask(), "transfer");
        await AssertUnavailableAsync(() => call.CompleteTransferAsync(call, TransferMode.Transfer, null, s_none).AsTask(), "transfer");
    }

    [Fact]
    public async Task OptionalPhoneOperations_NotImplemented_FailWithOperationUnavailable()
    {
        IPhoneDevice phone = new MinimalPhone();

        await AssertUnavailableAsync(() => phone.SetHookSwitchAsync(HookSwitchDevices.Handset, HookSwitchMode.OnHook, s_none).AsTask(), "hook switch");
        await AssertUnavailableAsync(() => phone.SetRingAsync(1, 100, s_none).AsTask(), "ringer");
        await AssertUnavailableAsync(() => phone.SetLampAsync(0, LampMode.Steady, s_none).AsTask(), "lamp");
    }

    [Fact]
    public async Task Hooks_NotImplemented_DoNothingAndSucceed()
    {
        ITelephonyBackend backend = new MinimalBackend();
        var context = new BackendHookContext { Settings = BackendSettings.Empty, Log = new NoLog(), Time = TimeProvider.System };

        await backend.InstallAsync(context, s_none);
        await backend.ConfigureAsync(context, s_none);
        await backend.RemoveAsync(context, s_none);
    }

#pragma warning disable CS0618 // contract 1.0's constructors, on purpose
    [Fact]
    public void Contract10Constructors_StillBuildTheSameRecords_AndDeconstruct()
    {
        Assert.Equal(new MakeCallRequest { Destination = "555", MediaMode = MediaModes.DataModem, MoreDigitsFollow = true },
            new MakeCallRequest("555", MediaModes.DataModem, true));
        Assert.Equal(new PartyId { Number = "1", Name = "A", Availability = PartyAvailability.Blocked }, new PartyId("1", "A", PartyAvailability.Blocked));
        var info = new NewCallInfo(CallState.Offering, CallOrigin.Inbound, Caller: new PartyId("1"));
        Assert.Equal(new NewCallInfo { InitialState = CallState.Offering, Origin = CallOrigin.Inbound, Caller = new PartyId { Number = "1" } }, info);

        var (state, origin, media, caller) = info;
        Assert.Equal((CallState.Offering, CallOrigin.Inbound, MediaModes.InteractiveVoice, "1"), (state, origin, media, caller?.Number));
    }
#pragma warning restore CS0618

    private static async Task AssertUnavailableAsync(Func<Task> operation, string named)
    {
        var error = await Assert.ThrowsAsync<TelephonyException>(operation);
        Assert.Equal(TelephonyError.OperationUnavailable, error.Error);
        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class MinimalBackend : ITelephonyBackend
    {
        public string Name => "Minimal";

        public void ValidateSettings(BackendSettings settings)
        {
        }

        public ValueTask<IBackendSession> StartSessionAsync(BackendSessionContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    private sealed class MinimalLine : ILineDevice
    {
        public string Key => "line-1";

        public LineCapabilities Capabilities { get; } = new() { Name = "Minimal" };

        public ValueTask OpenAsync(ILineEvents events, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CloseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<IBackendCall> MakeCallAsync(MakeCallRequest request, ICallEvents events, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IBackendCall>(new MinimalCall());
    }

    private sealed class MinimalCall : IBackendCall
    {
        public string Id => "call-1";

        public ValueTask DropAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask ReleaseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class MinimalPhone : IPhoneDevice
    {
        public string Key => "phone-1";

        public PhoneCapabilities Capabilities { get; } = new() { Name = "Minimal" };

        public ValueTask OpenAsync(IPhoneEvents events, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CloseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class NoCallEvents : ICallEvents
    {
        public void StateChanged(CallState state, DisconnectMode disconnectMode = DisconnectMode.None)
        {
        }

        public void PartyChanged(PartyRole role, PartyId party)
        {
        }

        public void MediaModeChanged(MediaModes mediaMode)
        {
        }

        public void DigitReceived(char digit)
        {
        }
    }

    private sealed class NoLog : IBackendLog
    {
        public void Log(BackendLogLevel level, string message, Exception? exception = null)
        {
        }
    }
}
