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

internal sealed class RemoteLine(WorkerProcess worker, LineDto dto) : ILineDevice
{
    public long Id { get; } = dto.Id;

    public string Key { get; } = dto.Key;

    public LineCapabilities Capabilities { get; } = dto.ToCapabilities();

    /// <summary>Where the line's events go while it is open.</summary>
    public ILineEvents? Events { get; private set; }

    public async ValueTask OpenAsync(ILineEvents events, CancellationToken cancellationToken)
    {
        Events = events;
        await worker.InvokeAsync(nameof(IWorkerService.OpenLineAsync), [Id], $"lineOpen on {Key}", cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!worker.IsDead)
            {
                await worker.InvokeAsync(nameof(IWorkerService.CloseLineAsync), [Id], $"lineClose on {Key}", cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Events = null;
        }
    }

    public async ValueTask<IBackendCall> MakeCallAsync(MakeCallRequest request, ICallEvents events, CancellationToken cancellationToken)
    {
        var call = worker.Callbacks.NewCallId(events);
        try
        {
            var id = await worker.InvokeAsync<string>(nameof(IWorkerService.MakeCallAsync), [Id, call, new MakeCallDto(request.Destination, request.MediaMode, request.MoreDigitsFollow)],
                $"lineMakeCall on {Key}", cancellationToken).ConfigureAwait(false);
            return new RemoteCall(worker, call, id);
        }
        catch
        {
            worker.Callbacks.Forget(call);
            throw;
        }
    }

    public async ValueTask<ConferenceSetup> SetupConferenceAsync(IBackendCall? initialCall, ICallEvents conferenceEvents, ICallEvents consultationEvents, int parties,
        CancellationToken cancellationToken)
    {
        var initial = initialCall is null ? 0L : RemoteCall.Of(worker, initialCall).CallId;
        var conference = worker.Callbacks.NewCallId(conferenceEvents);
        var consultation = worker.Callbacks.NewCallId(consultationEvents);
        try
        {
            var ids = await worker.InvokeAsync<ConferenceDto>(nameof(IWorkerService.SetupConferenceAsync), [Id, initial, conference, consultation, parties],
                $"lineSetupConference on {Key}", cancellationToken).ConfigureAwait(false);
            return new ConferenceSetup(new RemoteCall(worker, conference, ids.ConferenceId), new RemoteCall(worker, consultation, ids.ConsultationId));
        }
        catch
        {
            worker.Callbacks.Forget(conference);
            worker.Callbacks.Forget(consultation);
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

internal sealed class RemotePhone(WorkerProcess worker, PhoneDto dto) : IPhoneDevice
{
    public long Id { get; } = dto.Id;

    public string Key { get; } = dto.Key;

    public PhoneCapabilities Capabilities { get; } = dto.ToCapabilities();

    public IPhoneEvents? Events { get; private set; }

    public async ValueTask OpenAsync(IPhoneEvents events, CancellationToken cancellationToken)
    {
        Events = events;
        await worker.InvokeAsync(nameof(IWorkerService.OpenPhoneAsync), [Id], $"phoneOpen on {Key}", cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!worker.IsDead)
            {
                await worker.InvokeAsync(nameof(IWorkerService.ClosePhoneAsync), [Id], $"phoneClose on {Key}", cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Events = null;
        }
    }

    public ValueTask SetHookSwitchAsync(HookSwitchDevices devices, HookSwitchMode mode, CancellationToken cancellationToken) =>
        Operation(PhoneOperation.SetHookSwitch, (int)devices, (int)mode, "phoneSetHookSwitch", cancellationToken);

    public ValueTask SetRingAsync(int ringMode, int volume, CancellationToken cancellationToken) =>
        Operation(PhoneOperation.SetRing, ringMode, volume, "phoneSetRing", cancellationToken);

    public ValueTask SetLampAsync(int lampId, LampMode mode, CancellationToken cancellationToken) =>
        Operation(PhoneOperation.SetLamp, lampId, (int)mode, "phoneSetLamp", cancellationToken);

    private async ValueTask Operation(PhoneOperation operation, int first, int second, string what, CancellationToken cancellationToken) =>
        await worker.InvokeAsync(nameof(IWorkerService.PhoneOperationAsync), [Id, operation, first, second], $"{what} on {Key}", cancellationToken).ConfigureAwait(false);
}
