using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated.Tests;

/// <summary>One contract violation a <see cref="SabotagedBackend"/> commits.</summary>
public enum Sabotage
{
    /// <summary>ValidateSettings accepts anything.</summary>
    AcceptsAnySettings,
    /// <summary>Every session names its lines differently.</summary>
    UnstableKeys,
    /// <summary>Two lines share one key.</summary>
    DuplicateKeys,
    /// <summary>Closing a line does nothing: its calls go on reporting.</summary>
    KeepsReportingAfterClose,
    /// <summary>Releasing a call does nothing: it goes on reporting.</summary>
    KeepsReportingAfterRelease,
    /// <summary>Dropping a call does nothing.</summary>
    DropDoesNothing,
    /// <summary>Placing a call fails with an exception that is not a telephony error.</summary>
    MakeCallNotImplemented,
}

/// <summary>The Simulated backend with one deliberate contract violation, to prove the conformance suite notices it.</summary>
internal sealed class SabotagedBackend(Sabotage sabotage) : ITelephonyBackend
{
    private readonly SimulatedBackend _inner = new();
    private int _sessions;

    public string Name => _inner.Name;

    public void ValidateSettings(BackendSettings settings)
    {
        if (sabotage != Sabotage.AcceptsAnySettings)
        {
            _inner.ValidateSettings(settings);
        }
    }

    public ValueTask InstallAsync(BackendHookContext context, CancellationToken cancellationToken) => _inner.InstallAsync(context, cancellationToken);

    public ValueTask ConfigureAsync(BackendHookContext context, CancellationToken cancellationToken) => _inner.ConfigureAsync(context, cancellationToken);

    public ValueTask RemoveAsync(BackendHookContext context, CancellationToken cancellationToken) => _inner.RemoveAsync(context, cancellationToken);

    public async ValueTask<IBackendSession> StartSessionAsync(BackendSessionContext context, CancellationToken cancellationToken)
    {
        var session = (SimulatedSession)await _inner.StartSessionAsync(context, cancellationToken);
        var number = ++_sessions;
        return new Session(session, [.. session.Lines.Select(l => new Line(l, sabotage, LineKey(l, number)))]);
    }

    private string LineKey(ILineDevice line, int session) => sabotage switch
    {
        Sabotage.UnstableKeys => $"{line.Key}-session-{session}",
        Sabotage.DuplicateKeys => "line",
        _ => line.Key,
    };

    /// <summary>The sabotaged session; <see cref="Exchange"/> still drives the real exchange.</summary>
    internal sealed class Session(SimulatedSession inner, IReadOnlyList<ILineDevice> lines) : IBackendSession
    {
        public SimulatedExchange Exchange => inner.Exchange;

        public IReadOnlyList<ILineDevice> Lines => lines;

        public IReadOnlyList<IPhoneDevice> Phones => inner.Phones;

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private sealed class Line(ILineDevice inner, Sabotage sabotage, string key) : ILineDevice
    {
        public string Key => key;

        public LineCapabilities Capabilities => inner.Capabilities;

        public ValueTask OpenAsync(ILineEvents events, CancellationToken cancellationToken) => inner.OpenAsync(events, cancellationToken);

        public ValueTask CloseAsync(CancellationToken cancellationToken) =>
            sabotage == Sabotage.KeepsReportingAfterClose ? ValueTask.CompletedTask : inner.CloseAsync(cancellationToken);

        public async ValueTask<IBackendCall> MakeCallAsync(MakeCallRequest request, ICallEvents events, CancellationToken cancellationToken)
        {
            if (sabotage == Sabotage.MakeCallNotImplemented)
            {
                throw new NotImplementedException("MakeCall is not written yet.");
            }

            return new Call(await inner.MakeCallAsync(request, events, cancellationToken), sabotage);
        }

        public ValueTask<ConferenceSetup> SetupConferenceAsync(IBackendCall? initialCall, ICallEvents conferenceEvents, ICallEvents consultationEvents, int parties, CancellationToken cancellationToken) =>
            inner.SetupConferenceAsync(initialCall, conferenceEvents, consultationEvents, parties, cancellationToken);
    }

    private sealed class Call(IBackendCall inner, Sabotage sabotage) : IBackendCall
    {
        public string Id => inner.Id;

        public ValueTask AnswerAsync(CancellationToken cancellationToken) => inner.AnswerAsync(cancellationToken);

        public ValueTask DialAsync(string digits, CancellationToken cancellationToken) => inner.DialAsync(digits, cancellationToken);

        public ValueTask DropAsync(CancellationToken cancellationToken) =>
            sabotage == Sabotage.DropDoesNothing ? ValueTask.CompletedTask : inner.DropAsync(cancellationToken);

        public ValueTask HoldAsync(CancellationToken cancellationToken) => inner.HoldAsync(cancellationToken);

        public ValueTask UnholdAsync(CancellationToken cancellationToken) => inner.UnholdAsync(cancellationToken);

        public ValueTask<IBackendCall> SetupTransferAsync(ICallEvents consultationEvents, CancellationToken cancellationToken) => inner.SetupTransferAsync(consultationEvents, cancellationToken);

        public ValueTask<IBackendCall?> CompleteTransferAsync(IBackendCall consultation, TransferMode mode, ICallEvents? conferenceEvents, CancellationToken cancellationToken) =>
            inner.CompleteTransferAsync(consultation is Call own ? own.Inner : consultation, mode, conferenceEvents, cancellationToken);

        public ValueTask ReleaseAsync(CancellationToken cancellationToken) =>
            sabotage == Sabotage.KeepsReportingAfterRelease ? ValueTask.CompletedTask : inner.ReleaseAsync(cancellationToken);

        private IBackendCall Inner => inner;
    }
}
