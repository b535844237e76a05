using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

/// <summary>What is at the other end of a call that does not go to another simulated line.</summary>
internal enum OutsideParty
{
    /// <summary>No outside party (not dialled yet, or an internal call).</summary>
    None,
    /// <summary>Answers after <c>RingsBeforeAnswer</c> rings.</summary>
    Answers,
    /// <summary>Rings until <c>NoAnswerRings</c> have passed.</summary>
    NeverAnswers,
    /// <summary>Called this line; gives up after <c>NoAnswerRings</c>.</summary>
    Calling,
}

/// <summary>
/// One call on a simulated line. All state is guarded by the exchange lock; the operations are the
/// exchange's (one lock for the whole exchange keeps two-sided changes, like an internal call being
/// answered, atomic).
/// </summary>
internal sealed class SimulatedCall(SimulatedExchange exchange, SimulatedLine line, string id) : IBackendCall
{
    public string Id { get; } = id;

    public SimulatedLine Line { get; } = line;

    public CallState State { get; set; }

    /// <summary>Where the call's events go; for a call announced with NewCall, set when the host answers.</summary>
    public ICallEvents? Events { get; set; }

    /// <summary>Released, its line closed or the session ended: no more events, ever.</summary>
    public bool Silenced { get; set; }

    public bool Released { get; set; }

    /// <summary>The digits dialled so far.</summary>
    public string Digits { get; set; } = string.Empty;

    /// <summary>The far end when it is another simulated line.</summary>
    public SimulatedCall? Peer { get; set; }

    /// <summary>The far end when it is outside.</summary>
    public OutsideParty Outside { get; set; }

    /// <summary>The far end's identity, as reported to this call.</summary>
    public PartyId? FarParty { get; set; }

    public ITimer? RingTimer { get; set; }

    /// <summary>Ring intervals elapsed since alerting started.</summary>
    public int RingTicks { get; set; }

    /// <summary>For a conference call: its members.</summary>
    public List<SimulatedCall>? Members { get; set; }

    /// <summary>For a member: the conference call it belongs to.</summary>
    public SimulatedCall? Conference { get; set; }

    /// <summary>Whether the call's state counts against the line's MaxActiveCalls.</summary>
    public bool IsActive => !Released && State != CallState.Idle;

    public ValueTask AnswerAsync(CancellationToken cancellationToken) => exchange.AnswerAsync(this, cancellationToken);

    public ValueTask DialAsync(string digits, CancellationToken cancellationToken) => exchange.DialAsync(this, digits, cancellationToken);

    public ValueTask DropAsync(CancellationToken cancellationToken) => exchange.DropAsync(this, cancellationToken);

    public ValueTask HoldAsync(CancellationToken cancellationToken) => exchange.HoldAsync(this, cancellationToken);

    public ValueTask UnholdAsync(CancellationToken cancellationToken) => exchange.UnholdAsync(this, cancellationToken);

    public ValueTask<IBackendCall> SetupTransferAsync(ICallEvents consultationEvents, CancellationToken cancellationToken) =>
        exchange.SetupTransferAsync(this, consultationEvents, cancellationToken);

    public ValueTask<IBackendCall?> CompleteTransferAsync(IBackendCall consultation, TransferMode mode, ICallEvents? conferenceEvents, CancellationToken cancellationToken) =>
        exchange.CompleteTransferAsync(this, consultation, mode, conferenceEvents, cancellationToken);

    public ValueTask ReleaseAsync(CancellationToken cancellationToken) => exchange.ReleaseAsync(this, cancellationToken);

    public override string ToString() => $"{Id} on {Line.Key} ({State})";
}
