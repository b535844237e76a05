using TspHost.Abstractions;
using TspHost.Conformance;
using TspHost.Testing;

namespace TspHost.Plugins.Simulated.Tests;

/// <summary>A Simulated session on a manual clock, with recorders on the devices a test opens.</summary>
internal sealed class ExchangeHarness : IAsyncDisposable
{
    private ExchangeHarness(SimulatedBackend backend, SimulatedSession session, ManualTimeProvider clock, RecordingBackendLog log)
    {
        Backend = backend;
        Session = session;
        Clock = clock;
        Log = log;
    }

    public SimulatedBackend Backend { get; }

    public SimulatedSession Session { get; }

    public SimulatedExchange Exchange => Session.Exchange;

    public ManualTimeProvider Clock { get; }

    public RecordingBackendLog Log { get; }

    public TimeSpan RingInterval => Exchange.Options.RingInterval;

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static async Task<ExchangeHarness> StartAsync(params (string Key, string Value)[] settings)
    {
        var backend = new SimulatedBackend();
        var clock = new ManualTimeProvider();
        var log = new RecordingBackendLog();
        var context = new BackendSessionContext { Settings = Settings(settings), Log = log, Time = clock, Events = new RecordingSessionEvents() };
        var session = (SimulatedSession)await backend.StartSessionAsync(context, Token);
        return new ExchangeHarness(backend, session, clock, log);
    }

    /// <summary>Starts a session with lines 1..<paramref name="openLines"/> open; their recorders are in <see cref="OpenLines"/>.</summary>
    public static async Task<ExchangeHarness> StartOpenAsync(int openLines = 1, params (string Key, string Value)[] settings)
    {
        var x = await StartAsync(settings);
        for (var i = 1; i <= openLines; i++)
        {
            x.OpenLines.Add(await x.OpenLineAsync(i));
        }

        return x;
    }

    public static BackendSettings Settings(params (string Key, string Value)[] settings) =>
        new(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)), "test settings", "Plugins:Simulated");

    /// <summary>The recorders of the lines <see cref="StartOpenAsync"/> opened, line 1 first.</summary>
    public List<RecordingLineEvents> OpenLines { get; } = [];

    public ILineDevice Line(int index) => Session.Lines[index - 1];

    public IPhoneDevice Phone(int index) => Session.Phones[index - 1];

    public async Task<RecordingLineEvents> OpenLineAsync(int index)
    {
        var events = new RecordingLineEvents();
        await Line(index).OpenAsync(events, Token);
        return events;
    }

    public async Task<RecordingPhoneEvents> OpenPhoneAsync(int index)
    {
        var events = new RecordingPhoneEvents();
        await Phone(index).OpenAsync(events, Token);
        return events;
    }

    /// <summary>Places a call on an open line.</summary>
    public async Task<(IBackendCall Call, RecordingCallEvents Events)> CallAsync(int line, string? destination, bool moreDigitsFollow = false)
    {
        var events = new RecordingCallEvents();
        var call = await Line(line).MakeCallAsync(new MakeCallRequest { Destination = destination, MoreDigitsFollow = moreDigitsFollow }, events, Token);
        return (call, events);
    }

    /// <summary>Places a call from <paramref name="fromLine"/> and waits until the far end answers.</summary>
    public async Task<(IBackendCall Call, RecordingCallEvents Events)> ConnectedCallAsync(int fromLine, string destination = "5551000")
    {
        var placed = await CallAsync(fromLine, destination);
        Rings(Exchange.Options.RingsBeforeAnswer);
        Assert.Equal(CallState.Connected, placed.Events.Last?.State);
        return placed;
    }

    /// <summary>Line 1 calls line 2 (both open): the caller's call and events, and the called line's offering call.</summary>
    public async Task<(IBackendCall Call, RecordingCallEvents Caller, AnnouncedCall Callee)> InternalCallAsync(bool answer = false)
    {
        var (call, caller) = await CallAsync(1, GetNumber(2));
        var callee = Assert.Single(OpenLines[1].NewCalls);
        if (answer)
        {
            await callee.Call.AnswerAsync(Token);
        }

        return (call, caller, callee);
    }

    public string GetNumber(int line) => Exchange.GetLineNumber(Line(line).Key);

    /// <summary>Asserts that <paramref name="operation"/> fails with a <see cref="TelephonyException"/> of kind <paramref name="expected"/>.</summary>
    public static async Task<TelephonyException> AssertFailsAsync(TelephonyError expected, Func<Task> operation)
    {
        var error = await Assert.ThrowsAsync<TelephonyException>(operation);
        Assert.Equal(expected, error.Error);
        return error;
    }

    /// <summary>Lets <paramref name="count"/> ring intervals pass.</summary>
    public void Rings(int count) => Clock.Advance(RingInterval * count);

    public ValueTask DisposeAsync() => Session.DisposeAsync();
}
