using Microsoft.Extensions.Time.Testing;
using TspHost.Abstractions;
using TspHost.Testing;

namespace TspHost.Conformance;

/// <summary>
/// The contract every backend keeps, as xunit facts. A backend's test project subclasses this class,
/// supplies the backend and its settings, and says through the virtual members what the backend can
/// do in a test (place calls that answer, produce an incoming call, produce a phone event). Facts
/// that need something the backend cannot do in a test are reported as skipped, not passed.
/// </summary>
/// <remarks>
/// Every wait is bounded. With the default <see cref="FakeTimeProvider"/> the suite moves the clock
/// itself while it waits (in <see cref="TimeStep"/> steps, at most <see cref="MaxVirtualWait"/>), so
/// nothing sleeps; a backend that needs real time overrides <see cref="CreateTimeProvider"/>.
/// </remarks>
public abstract partial class BackendConformanceTests : IAsyncDisposable
{
    private readonly List<IBackendSession> _sessions = [];
    private ITelephonyBackend? _backend;
    private TimeProvider? _time;

    /// <summary>Creates the backend under test; called once per test.</summary>
    protected abstract ITelephonyBackend CreateBackend();

    /// <summary>Valid settings the suite runs the backend with.</summary>
    protected virtual BackendSettings Settings => BackendSettings.Empty;

    /// <summary>Settings values that must be refused: (key, bad value) pairs, each applied on top of <see cref="Settings"/>.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> InvalidSettings => [];

    /// <summary>Whether a session must report at least one line.</summary>
    protected virtual bool ExpectsLines => true;

    /// <summary>Whether a session must report at least one phone.</summary>
    protected virtual bool ExpectsPhones => false;

    /// <summary>A number that a call placed in a test reaches and that answers, or <c>null</c> when the backend cannot place calls in a test.</summary>
    protected virtual string? AnsweringNumber => null;

    /// <summary>Whether <see cref="TriggerIncomingCallAsync"/> works.</summary>
    protected virtual bool CanTriggerIncomingCall => false;

    /// <summary>Whether <see cref="TriggerPhoneEventAsync"/> works.</summary>
    protected virtual bool CanTriggerPhoneEvent => false;

    /// <summary>How far the manual clock moves per step while the suite waits.</summary>
    protected virtual TimeSpan TimeStep => TimeSpan.FromMilliseconds(100);

    /// <summary>The most virtual time the suite lets pass waiting for one thing.</summary>
    protected virtual TimeSpan MaxVirtualWait => TimeSpan.FromMinutes(5);

    /// <summary>How much real time a wait on a manual clock still allows once <see cref="MaxVirtualWait"/> has passed, for work queued on other threads.</summary>
    protected virtual TimeSpan RealTimeGrace => TimeSpan.FromSeconds(1);

    /// <summary>How long the suite lets pass when it checks that nothing more happens (virtual time on a manual clock).</summary>
    protected virtual TimeSpan QuietPeriod => Time is FakeTimeProvider ? TimeSpan.FromMinutes(1) : TimeSpan.FromMilliseconds(300);

    /// <summary>The backend of the current test.</summary>
    protected ITelephonyBackend Backend => _backend ??= CreateBackend();

    /// <summary>The clock of the current test.</summary>
    protected TimeProvider Time => _time ??= CreateTimeProvider();

    /// <summary>What the backend logged in the current test.</summary>
    protected RecordingBackendLog Log { get; } = new();

    /// <summary>What the sessions of the current test reported about devices arriving and leaving.</summary>
    protected RecordingSessionEvents SessionEvents { get; } = new();

    /// <summary>The cancellation token of the running test.</summary>
    protected static CancellationToken TestToken => TestContext.Current.CancellationToken;

    /// <summary>
    /// Creates the clock of a test: a <see cref="FakeTimeProvider"/> (Microsoft.Extensions.TimeProvider.Testing)
    /// the suite moves itself, unless the backend needs real time (return <see cref="TimeProvider.System"/>).
    /// </summary>
    protected virtual TimeProvider CreateTimeProvider() => new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));

    /// <summary>Makes the far end of an outgoing call answer. By default it answers on its own.</summary>
    protected virtual ValueTask MakeFarEndAnswerAsync(IBackendSession session, ILineDevice line, IBackendCall call) => ValueTask.CompletedTask;

    /// <summary>Makes a call arrive on <paramref name="line"/>, which is open.</summary>
    protected virtual ValueTask TriggerIncomingCallAsync(IBackendSession session, ILineDevice line) =>
        throw new NotSupportedException("Override TriggerIncomingCallAsync and CanTriggerIncomingCall.");

    /// <summary>Makes <paramref name="phone"/> report something (a key, the hook switch). Called with the phone open and again after it was closed.</summary>
    protected virtual ValueTask TriggerPhoneEventAsync(IBackendSession session, IPhoneDevice phone) =>
        throw new NotSupportedException("Override TriggerPhoneEventAsync and CanTriggerPhoneEvent.");

    /// <summary>The line the call facts use: by default the first one that can place calls.</summary>
    protected virtual ILineDevice? SelectCallingLine(IBackendSession session) =>
        session?.Lines.FirstOrDefault(l => l.Capabilities.Features.HasFlag(LineFeatures.MakeCall));

    /// <summary>The line the incoming call facts use: by default the first one.</summary>
    protected virtual ILineDevice? SelectAnsweringLine(IBackendSession session) => session?.Lines.FirstOrDefault();

    /// <summary>Starts a session with <see cref="Settings"/>; the suite disposes it when the test ends.</summary>
    protected async Task<IBackendSession> StartSessionAsync()
    {
        var context = new BackendSessionContext { Settings = Settings, Log = Log, Time = Time, Events = SessionEvents };
        var session = await WithinAsync(Backend.StartSessionAsync(context, TestToken), "StartSessionAsync");
        _sessions.Add(session);
        return session;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, moving a manual clock meanwhile; fails after a bounded wait.</summary>
    protected async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (Time is not FakeTimeProvider clock)
        {
            await Eventually.WaitAsync(condition, what);
            return;
        }

        var realDeadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        DateTime? graceEnds = null;
        var waited = TimeSpan.Zero;
        while (!condition())
        {
            if (DateTime.UtcNow > (graceEnds ?? realDeadline))
            {
                throw new TimeoutException($"Timed out after {waited.TotalSeconds:0.#} s of virtual time waiting for: {what}");
            }

            if (waited <= MaxVirtualWait)
            {
                clock.Advance(TimeStep);
                waited += TimeStep;
                await Task.Yield();
            }
            else
            {
                // The virtual time is spent, possibly within milliseconds on a busy machine, while what is left
                // may be work queued on other threads (cancellation callbacks, say): it gets a little real time.
                graceEnds ??= DateTime.UtcNow + RealTimeGrace;
                await Task.Delay(1, TestToken);
            }
        }
    }

    /// <summary>Lets <see cref="QuietPeriod"/> pass (virtually on a manual clock), to check that nothing more happens.</summary>
    protected async Task LetTimePassAsync()
    {
        if (Time is FakeTimeProvider clock)
        {
            for (var waited = TimeSpan.Zero; waited < QuietPeriod; waited += TimeStep)
            {
                clock.Advance(TimeStep);
                await Task.Yield();
            }
        }
        else
        {
            await Task.Delay(QuietPeriod, TestToken);
        }
    }

    /// <summary>Awaits a backend operation with a bound (moving a manual clock meanwhile).</summary>
    protected async Task<T> WithinAsync<T>(ValueTask<T> operation, string what)
    {
        var task = operation.AsTask();
        await WaitUntilAsync(() => task.IsCompleted, $"{what} to complete");
        return await task;
    }

    /// <summary>Awaits a backend operation with a bound (moving a manual clock meanwhile).</summary>
    protected async Task WithinAsync(ValueTask operation, string what)
    {
        var task = operation.AsTask();
        await WaitUntilAsync(() => task.IsCompleted, $"{what} to complete");
        await task;
    }

    /// <summary>Places a call to <see cref="AnsweringNumber"/> on an open line and waits until it is CONNECTED.</summary>
    protected async Task<IBackendCall> ConnectCallAsync(IBackendSession session, ILineDevice line, RecordingCallEvents events)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(events);
        var call = await WithinAsync(line.MakeCallAsync(new MakeCallRequest { Destination = AnsweringNumber }, events, TestToken), "MakeCallAsync");
        await MakeFarEndAnswerAsync(session, line, call);
        await WaitUntilAsync(() => events.HasReached(CallState.Connected) || events.HasReached(CallState.Disconnected), "the call to be CONNECTED");
        return call;
    }

    /// <summary>Opens the line the call facts use, or skips the test when the backend cannot place calls in a test.</summary>
    protected async Task<(IBackendSession Session, ILineDevice Line, RecordingLineEvents Events)> OpenCallingLineAsync()
    {
        SkipLineFactUnless(AnsweringNumber is not null);
        Assert.SkipWhen(AnsweringNumber is null, "The backend names no AnsweringNumber: it cannot place calls in a test.");
        var session = await StartSessionAsync();
        var line = SelectCallingLine(session);
        Assert.SkipWhen(line is null, "No line of the backend advertises MakeCall.");
        var events = new RecordingLineEvents();
        await WithinAsync(line!.OpenAsync(events, TestToken), "OpenAsync");
        return (session, line, events);
    }

    /// <summary>Skips a line or call fact for a backend without lines (one that only has phones), unless the subclass says it can exercise it anyway.</summary>
    protected void SkipLineFactUnless(bool canExercise) =>
        Assert.SkipUnless(ExpectsLines || canExercise, "The backend has no lines (ExpectsLines is false): line and call facts do not apply.");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions)
        {
            await session.DisposeAsync();
        }

        _sessions.Clear();
        await DisposeTestResourcesAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what a subclass set up for the test (a fake device, a server); runs after the sessions were disposed.</summary>
    protected virtual ValueTask DisposeTestResourcesAsync() => ValueTask.CompletedTask;
}
