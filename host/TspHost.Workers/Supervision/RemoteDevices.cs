using TspHost.Abstractions;
using TspHost.Workers.Channel;

namespace TspHost.Workers.Supervision;

// The plugin's devices and calls as the engine sees them in the host: proxies that cross the channel to
// the worker they belong to. A proxy of a worker that has died fails at once (and a release does
// nothing): it never reaches the worker started after it.

/// <summary>A backend session in a worker.</summary>
internal sealed class RemoteSession(WorkerProcess worker, IReadOnlyList<ILineDevice> lines, IReadOnlyList<IPhoneDevice> phones, Func<RemoteSession, ValueTask> ended)
    : IBackendSession
{
    private int _disposed;

    public WorkerProcess Worker { get; } = worker;

    public IReadOnlyList<ILineDevice> Lines { get; } = lines;

    public IReadOnlyList<IPhoneDevice> Phones { get; } = phones;

    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? ended(this) : ValueTask.CompletedTask;
}

/// <summary>What a line and a phone in a worker share: their ID and key, and opening (events from then on go to the sink given) and closing.</summary>
internal abstract class RemoteDevice<TEvents>(WorkerProcess worker, long id, string key, string kind)
    where TEvents : class
{
    public long Id { get; } = id;

    public string Key { get; } = key;

    /// <summary>Where the device's events go while it is open.</summary>
    public TEvents? Events { get; private set; }

    protected WorkerProcess Worker { get; } = worker;

    protected async ValueTask OpenCoreAsync(string method, TEvents events, CancellationToken cancellationToken)
    {
        Events = events;
        await Worker.InvokeAsync(method, [Id], $"{kind}Open on {Key}", cancellationToken).ConfigureAwait(false);
    }

    protected async ValueTask CloseCoreAsync(string method, CancellationToken cancellationToken)
    {
        try
        {
            if (!Worker.IsDead)
            {
                await Worker.InvokeAsync(method, [Id], $"{kind}Close on {Key}", cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Events = null;
        }
    }
}

internal sealed class RemoteLine(WorkerProcess worker, LineDto dto) : RemoteDevice<ILineEvents>(worker, dto.Id, dto.Key, "line"), ILineDevice
{
    public LineCapabilities Capabilities { get; } = dto.ToCapabilities();

    public ValueTask OpenAsync(ILineEvents events, CancellationToken cancellationToken) => OpenCoreAsync(nameof(IWorkerService.OpenLineAsync), events, cancellationToken);

    public ValueTask CloseAsync(CancellationToken cancellationToken) => CloseCoreAsync(nameof(IWorkerService.CloseLineAsync), cancellationToken);

    public async ValueTask<IBackendCall> MakeCallAsync(MakeCallRequest request, ICallEvents events, CancellationToken cancellationToken)
    {
        var call = Worker.Callbacks.NewCallId(events);
        try
        {
            var id = await Worker.InvokeAsync<string>(nameof(IWorkerService.MakeCallAsync), [Id, call, new MakeCallDto(request.Destination, request.MediaMode, request.MoreDigitsFollow)],
                $"lineMakeCall on {Key}", cancellationToken).ConfigureAwait(false);
            return new RemoteCall(Worker, call, id);
        }
        catch
        {
            Worker.Callbacks.Forget(call);
            throw;
        }
    }

    public async ValueTask<ConferenceSetup> SetupConferenceAsync(IBackendCall? initialCall, ICallEvents conferenceEvents, ICallEvents consultationEvents, int parties,
        CancellationToken cancellationToken)
    {
        var initial = initialCall is null ? 0L : RemoteCall.Of(Worker, initialCall).CallId;
        var conference = Worker.Callbacks.NewCallId(conferenceEvents);
        var consultation = Worker.Callbacks.NewCallId(consultationEvents);
        try
        {
            var ids = await Worker.InvokeAsync<ConferenceDto>(nameof(IWorkerService.SetupConferenceAsync), [Id, initial, conference, consultation, parties],
                $"lineSetupConference on {Key}", cancellationToken).ConfigureAwait(false);
            return new ConferenceSetup { Conference = new RemoteCall(Worker, conference, ids.ConferenceId), Consultation = new RemoteCall(Worker, consultation, ids.ConsultationId) };
        }
        catch
        {
            Worker.Callbacks.Forget(conference);
            Worker.Callbacks.Forget(consultation);
            throw;
        }
    }
}

internal sealed class RemoteCall(WorkerProcess worker, long id, string backendId) : IBackendCall
{
    public long CallId { get; } = id;

    public string Id { get; } = backendId;

    /// <summary>The call's ID in <paramref name="worker"/>; a call of another (dead) worker fails.</summary>
    public static RemoteCall Of(WorkerProcess worker, IBackendCall call) =>
        call is RemoteCall remote && remote._worker == worker ? remote : throw worker.Gone();

    private readonly WorkerProcess _worker = worker;

    public ValueTask AnswerAsync(CancellationToken cancellationToken) => Operation(CallOperation.Answer, null, "lineAnswer", cancellationToken);

    public ValueTask DialAsync(string digits, CancellationToken cancellationToken) => Operation(CallOperation.Dial, digits, "lineDial", cancellationToken);

    public ValueTask DropAsync(CancellationToken cancellationToken) => Operation(CallOperation.Drop, null, "lineDrop", cancellationToken);

    public ValueTask HoldAsync(CancellationToken cancellationToken) => Operation(CallOperation.Hold, null, "lineHold", cancellationToken);

    public ValueTask UnholdAsync(CancellationToken cancellationToken) => Operation(CallOperation.Unhold, null, "lineUnhold", cancellationToken);

    public async ValueTask<IBackendCall> SetupTransferAsync(ICallEvents consultationEvents, CancellationToken cancellationToken)
    {
        var consultation = _worker.Callbacks.NewCallId(consultationEvents);
        try
        {
            var id = await _worker.InvokeAsync<string>(nameof(IWorkerService.SetupTransferAsync), [CallId, consultation], $"lineSetupTransfer on call {Id}", cancellationToken)
                .ConfigureAwait(false);
            return new RemoteCall(_worker, consultation, id);
        }
        catch
        {
            _worker.Callbacks.Forget(consultation);
            throw;
        }
    }

    public async ValueTask<IBackendCall?> CompleteTransferAsync(IBackendCall consultation, TransferMode mode, ICallEvents? conferenceEvents, CancellationToken cancellationToken)
    {
        var consult = Of(_worker, consultation).CallId;
        var conference = conferenceEvents is null ? 0 : _worker.Callbacks.NewCallId(conferenceEvents);
        try
        {
            var id = await _worker.InvokeAsync<string?>(nameof(IWorkerService.CompleteTransferAsync), [CallId, consult, mode, conference],
                $"lineCompleteTransfer on call {Id}", cancellationToken).ConfigureAwait(false);
            return id is null ? null : new RemoteCall(_worker, conference, id);
        }
        catch
        {
            _worker.Callbacks.Forget(conference);
            throw;
        }
    }

    public async ValueTask ReleaseAsync(CancellationToken cancellationToken)
    {
        _worker.Callbacks.Forget(CallId);
        if (!_worker.IsDead)
        {
            await _worker.InvokeAsync(nameof(IWorkerService.ReleaseCallAsync), [CallId], $"releasing call {Id}", cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask Operation(CallOperation operation, string? digits, string what, CancellationToken cancellationToken) =>
        await _worker.InvokeAsync(nameof(IWorkerService.CallOperationAsync), [CallId, operation, digits], $"{what} on call {Id}", cancellationToken).ConfigureAwait(false);
}

internal sealed class RemotePhone(WorkerProcess worker, PhoneDto dto) : RemoteDevice<IPhoneEvents>(worker, dto.Id, dto.Key, "phone"), IPhoneDevice
{
    public PhoneCapabilities Capabilities { get; } = dto.ToCapabilities();

    public ValueTask OpenAsync(IPhoneEvents events, CancellationToken cancellationToken) => OpenCoreAsync(nameof(IWorkerService.OpenPhoneAsync), events, cancellationToken);

    public ValueTask CloseAsync(CancellationToken cancellationToken) => CloseCoreAsync(nameof(IWorkerService.ClosePhoneAsync), cancellationToken);

    public ValueTask SetHookSwitchAsync(HookSwitchDevices devices, HookSwitchMode mode, CancellationToken cancellationToken) =>
        Operation(PhoneOperation.SetHookSwitch, (int)devices, (int)mode, "phoneSetHookSwitch", cancellationToken);

    public ValueTask SetRingAsync(int ringMode, int volume, CancellationToken cancellationToken) =>
        Operation(PhoneOperation.SetRing, ringMode, volume, "phoneSetRing", cancellationToken);

    public ValueTask SetLampAsync(int lampId, LampMode mode, CancellationToken cancellationToken) =>
        Operation(PhoneOperation.SetLamp, lampId, (int)mode, "phoneSetLamp", cancellationToken);

    private async ValueTask Operation(PhoneOperation operation, int first, int second, string what, CancellationToken cancellationToken) =>
        await Worker.InvokeAsync(nameof(IWorkerService.PhoneOperationAsync), [Id, operation, first, second], $"{what} on {Key}", cancellationToken).ConfigureAwait(false);
}
