using TspHost.Abstractions;
using TspHost.Conformance;
using TspHost.Testing;

namespace TspHost.Plugins.Simulated.Tests;

public sealed class BackendTests
{
    [Fact]
    public async Task DefaultSettings_GiveTwoLinesNumbered201And202_AndTwoPhones()
    {
        await using var x = await StartAsync();

        Assert.Equal(["line-1", "line-2"], x.Session.Lines.Select(l => l.Key));
        Assert.Equal(["201", "202"], x.Session.Lines.Select(l => l.Capabilities.Address));
        Assert.Equal(["phone-1", "phone-2"], x.Session.Phones.Select(p => p.Key));
        Assert.All(x.Session.Lines, l => Assert.Equal(LineFeatures.All, l.Capabilities.Features));
        Assert.All(x.Session.Lines, l => Assert.Equal(MediaModes.InteractiveVoice | MediaModes.DataModem, l.Capabilities.MediaModes));
    }

    [Fact]
    public async Task LinesAndFirstNumber_NumberTheLinesFromFirstNumber_AndPhonesFollowLines()
    {
        await using var x = await StartAsync(("Lines", "3"), ("FirstNumber", "4100"));

        Assert.Equal(["4100", "4101", "4102"], x.Session.Lines.Select(l => l.Capabilities.Address));
        Assert.Equal(3, x.Session.Phones.Count);
        Assert.Equal("4102", x.Exchange.GetLineNumber("line-3"));
    }

    [Theory]
    [InlineData("Lines", "65", "a whole number from 1 to 64")]
    [InlineData("Phones", "x", "a whole number from 0 to 64")]
    [InlineData("RingInterval", "0", "a whole number from 1 to 600000")]
    [InlineData("BusyNumbers", "5550199, 42", "'42' is not one")]
    [InlineData("UnreachableNumbers", "555x", "'555x' is not one")]
    [InlineData("ResponseDelay", "-1", "a whole number from 0 to 600000")]
    [InlineData("ResponseDelay", "10s", "a whole number from 0 to 600000")]
    [InlineData("ResponseDelay", "600001", "a whole number from 0 to 600000")]
    public void ValidateSettings_WithBadValue_NamesTheKeyAndTheExpectedForm(string key, string value, string expected)
    {
        var error = Assert.Throws<BackendConfigurationException>(() => new SimulatedBackend().ValidateSettings(Settings((key, value))));

        Assert.Equal($"Plugins:Simulated:{key}", error.Key);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartSession_WithBadSettings_FailsWithConfigurationError()
    {
        var context = new BackendSessionContext { Settings = Settings(("Lines", "0")), Log = new RecordingBackendLog(), Time = new ManualTimeProvider(), Events = new RecordingSessionEvents() };

        await Assert.ThrowsAsync<BackendConfigurationException>(async () => await new SimulatedBackend().StartSessionAsync(context, Token));
    }

    [Fact]
    public async Task InstallAndConfigure_WithBadSettings_Fail()
    {
        var backend = new SimulatedBackend();
        var context = new BackendHookContext { Settings = Settings(("NoAnswerRings", "0")), Log = new RecordingBackendLog(), Time = new ManualTimeProvider() };

        await Assert.ThrowsAsync<BackendConfigurationException>(async () => await backend.InstallAsync(context, Token));
        await Assert.ThrowsAsync<BackendConfigurationException>(async () => await backend.ConfigureAsync(context, Token));
    }

    [Fact]
    public async Task CurrentSession_IsTheRunningSession_AndClearedWhenItEnds()
    {
        var backend = new SimulatedBackend();
        SimulatedSession? started = null;
        backend.SessionStarted += (_, s) => started = s;
        var context = new BackendSessionContext { Settings = BackendSettings.Empty, Log = new RecordingBackendLog(), Time = new ManualTimeProvider(), Events = new RecordingSessionEvents() };

        var session = await backend.StartSessionAsync(context, Token);

        Assert.Same(session, backend.CurrentSession);
        Assert.Same(session, started);
        await session.DisposeAsync();
        Assert.Null(backend.CurrentSession);
    }

    [Fact]
    public async Task NewSession_SharesNothingWithThePreviousOne()
    {
        await using var first = await StartOpenAsync();
        await first.CallAsync(1, "5551000");
        await first.DisposeAsync();

        await using var second = await StartAsync();

        Assert.NotSame(first.Session.Lines[0], second.Session.Lines[0]);
        Assert.Empty(second.Exchange.GetCalls("line-1"));
        Assert.False(second.Exchange.IsLineOpen("line-1"));
    }

    [Fact]
    public async Task ExchangeActions_AfterSessionEnded_ThrowObjectDisposed()
    {
        var x = await StartOpenAsync();
        await x.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => x.Exchange.InjectIncomingCall("line-1", new PartyId { Number = "5551234" }));
        Assert.Throws<ObjectDisposedException>(() => x.Exchange.LiftHandset("phone-1"));
        await AssertFailsAsync(TelephonyError.NoDevice, async () => await x.OpenLineAsync(2));
    }

    [Fact]
    public async Task ConcurrentCallsOnAllLines_FromManyThreads_EachReportStatesInOrder()
    {
        await using var x = await StartOpenAsync(4, ("Lines", "4"));
        var placed = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(
            async () =>
            {
                var events = new RecordingCallEvents();
                var call = await x.Line((i % 4) + 1).MakeCallAsync(new MakeCallRequest { Destination = "5551000" }, events, Token);
                return (call, events);
            },
            Token))).WaitAsync(Eventually.DefaultTimeout, Token);
        var ringing = Task.Run(() => x.Rings(2), Token);
        var dropping = Task.WhenAll(placed.Where((_, i) => i % 2 == 0).Select(p => Task.Run(async () => await p.call.DropAsync(Token), Token)));
        await Task.WhenAll(ringing, dropping).WaitAsync(Eventually.DefaultTimeout, Token);

        CallState[] progress = [CallState.Dialing, CallState.Proceeding, CallState.Ringback];
        CallState[][] allowed = [[.. progress, CallState.Connected], [.. progress, CallState.Idle], [.. progress, CallState.Connected, CallState.Idle]];
        foreach (var (_, events) in placed)
        {
            var states = events.States;
            Assert.True(allowed.Any(a => a.SequenceEqual(states)), $"Unexpected order: {string.Join(" → ", states)}");
        }
    }

    [Fact]
    public async Task CloseLine_WhileAnotherThreadDeliversAnEvent_ReturnsOnlyAfterThatDelivery()
    {
        await using var x = await StartAsync();
        using var sink = new GatedLineEvents();
        await x.Line(1).OpenAsync(sink, Token);
        x.Exchange.InjectIncomingCall("line-1", new PartyId { Number = "5551234" });
        sink.Arm();
        var ringing = Task.Run(() => x.Rings(1), Token); // the next ring is delivered on this other thread, and held there
        await Eventually.WaitAsync(() => sink.Holding, "the ring delivery to be held in the sink");

        var closing = x.Line(1).CloseAsync(Token).AsTask();
        Assert.False(closing.IsCompleted, "CloseAsync returned while an event was still being delivered.");
        sink.Release();
        await closing.WaitAsync(Eventually.DefaultTimeout, Token);
        await ringing.WaitAsync(Eventually.DefaultTimeout, Token);
        var seen = sink.Count;
        x.Rings(10);

        Assert.Equal(seen, sink.Count);
    }

    /// <summary>A line sink that, once armed, holds the next ring delivery until released.</summary>
    private sealed class GatedLineEvents : ILineEvents, IDisposable
    {
        private readonly ManualResetEventSlim _gate = new(initialState: true);
        private int _count;
        private volatile bool _holding;

        public bool Holding => _holding;

        public int Count => Volatile.Read(ref _count);

        public void Arm() => _gate.Reset();

        public void Release() => _gate.Set();

        public ICallEvents NewCall(IBackendCall call, NewCallInfo info)
        {
            Interlocked.Increment(ref _count);
            return new RecordingCallEvents();
        }

        public void Ringing(int ringCount)
        {
            _holding = !_gate.IsSet;
            _gate.Wait(Eventually.DefaultTimeout);
            Interlocked.Increment(ref _count);
        }

        public void ServiceChanged(bool inService) => Interlocked.Increment(ref _count);

        public void Dispose() => _gate.Dispose();
    }
}
