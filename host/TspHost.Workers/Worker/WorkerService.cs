using System.Collections.Concurrent;
using StreamJsonRpc;
using TspHost.Abstractions;
using TspHost.Workers.Channel;

namespace TspHost.Workers.Worker;

/// <summary>
/// The worker's side of the channel: serves the host's requests on its one plugin's backend. Requests
/// run concurrently on the worker's thread pool, as the engine runs a plugin's operations in-process;
/// a plugin's failure reaches the host as an error naming it (a <see cref="TelephonyException"/> keeps
/// its kind). Devices and calls are kept by the IDs the host knows them by.
/// </summary>
internal sealed class WorkerService(ITelephonyBackend? backend, string? loadProblem, WorkerOutbox outbox) : IWorkerService
{
    private readonly ConcurrentDictionary<long, ILineDevice> _lines = new();
    private readonly ConcurrentDictionary<long, IPhoneDevice> _phones = new();
    private readonly ConcurrentDictionary<long, IBackendCall> _calls = new();
    private readonly Lock _sessionLock = new();
    private IBackendSession? _session;
    private long _nextDevice;
    private long _nextAnnouncedCall;

    public WorkerOutbox Outbox { get; } = outbox;

    private ITelephonyBackend Backend => backend ?? throw new LocalRpcException(loadProblem ?? "the plugin is not loaded") { ErrorCode = WorkerErrors.Plugin };

    public Task<WorkerReady> HelloAsync() => Task.FromResult(new WorkerReady(Environment.ProcessId, loadProblem, TspHost.Abstractions.PluginContract.Version));

    public Task<WorkerStatus> PingAsync() => Task.FromResult(new WorkerStatus(GC.GetTotalMemory(false), Environment.WorkingSet));

    public Task<SettingsProblemDto?> ValidateSettingsAsync(SettingsDto settings)
    {
        try
        {
            Backend.ValidateSettings(settings.ToSettings());
            return Task.FromResult<SettingsProblemDto?>(null);
        }
        catch (BackendConfigurationException e)
        {
            return Task.FromResult<SettingsProblemDto?>(new SettingsProblemDto(e.Message, e.SettingsSource, e.Key, e.ActualValue, e.ExpectedForm));
        }
        catch (Exception e) when (e is not LocalRpcException)
        {
            throw Plugin(e);
        }
    }

    public Task RunHookAsync(HookKind hook, SettingsDto settings, CancellationToken cancellationToken) => Guard(async () =>
    {
        var context = new BackendHookContext { Settings = settings.ToSettings(), Log = new OutboxLog(Outbox), Time = TimeProvider.System };
        await (hook switch
        {
            HookKind.Install => Backend.InstallAsync(context, cancellationToken),
            HookKind.Configure => Backend.ConfigureAsync(context, cancellationToken),
            _ => Backend.RemoveAsync(context, cancellationToken),
        }).ConfigureAwait(false);
        return true;
    });

    public Task<SessionDto> StartSessionAsync(SettingsDto settings, CancellationToken cancellationToken) => Guard(async () =>
    {
        await EndSessionAsync(cancellationToken).ConfigureAwait(false);
        var context = new BackendSessionContext { Settings = settings.ToSettings(), Log = new OutboxLog(Outbox), Time = TimeProvider.System, Events = new SessionSink(this) };
        var session = await Backend.StartSessionAsync(context, cancellationToken).ConfigureAwait(false);
        lock (_sessionLock)
        {
            _session = session;
        }

        // The getters are read here, in the worker: one that throws fails the session start, naming the device.
        var lines = session.Lines.Select(l => AddLine(l) ?? throw new InvalidOperationException("a line's Key or Capabilities getter failed")).ToList();
        var phones = session.Phones.Select(p => AddPhone(p) ?? throw new InvalidOperationException("a phone's Key or Capabilities getter failed")).ToList();
        return new SessionDto(lines, phones);
    });

    public async Task EndSessionAsync(CancellationToken cancellationToken)
    {
        IBackendSession? session;
        lock (_sessionLock)
        {
            (session, _session) = (_session, null);
        }

        _lines.Clear();
        _phones.Clear();
        _calls.Clear();
        if (session is not null)
        {
            await Guard(async () =>
            {
                await session.DisposeAsync().ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }
    }

    public Task OpenLineAsync(long line, CancellationToken cancellationToken) =>
        Guard(() => Line(line).OpenAsync(new LineSink(this, line), cancellationToken));

    public Task CloseLineAsync(long line, CancellationToken cancellationToken) => Guard(() => Line(line).CloseAsync(cancellationToken));

    public Task<string> MakeCallAsync(long line, long call, MakeCallDto request, CancellationToken cancellationToken) => Guard(async () =>
    {
        var made = await Line(line).MakeCallAsync(new MakeCallRequest { Destination = request.Destination, MediaMode = request.MediaMode, MoreDigitsFollow = request.MoreDigitsFollow }, new CallSink(Outbox, call),
            cancellationToken).ConfigureAwait(false);
        _calls[call] = made;
        return made.Id;
    });

    public Task<ConferenceDto> SetupConferenceAsync(long line, long initialCall, long conferenceCall, long consultationCall, int parties, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            var initial = initialCall == 0 ? null : Call(initialCall);
            var setup = await Line(line).SetupConferenceAsync(initial, new CallSink(Outbox, conferenceCall), new CallSink(Outbox, consultationCall), parties, cancellationToken)
                .ConfigureAwait(false);
            _calls[conferenceCall] = setup.Conference;
            _calls[consultationCall] = setup.Consultation;
            return new ConferenceDto(setup.Conference.Id, setup.Consultation.Id);
        });

    public Task CallOperationAsync(long call, CallOperation operation, string? digits, CancellationToken cancellationToken) => Guard(() =>
    {
        var target = Call(call);
        return operation switch
        {
            CallOperation.Answer => target.AnswerAsync(cancellationToken),
            CallOperation.Dial => target.DialAsync(digits ?? "", cancellationToken),
            CallOperation.Drop => target.DropAsync(cancellationToken),
            CallOperation.Hold => target.HoldAsync(cancellationToken),
            _ => target.UnholdAsync(cancellationToken),
        };
    });

    public Task<string> SetupTransferAsync(long call, long consultationCall, CancellationToken cancellationToken) => Guard(async () =>
    {
        var consultation = await Call(call).SetupTransferAsync(new CallSink(Outbox, consultationCall), cancellationToken).ConfigureAwait(false);
        _calls[consultationCall] = consultation;
        return consultation.Id;
    });

    public Task<string?> CompleteTransferAsync(long call, long consultationCall, TransferMode mode, long conferenceCall, CancellationToken cancellationToken) => Guard(async () =>
    {
        var conference = await Call(call).CompleteTransferAsync(Call(consultationCall), mode, conferenceCall == 0 ? null : new CallSink(Outbox, conferenceCall), cancellationToken)
            .ConfigureAwait(false);
        if (conference is not null)
        {
            _calls[conferenceCall] = conference;
        }

        return conference?.Id;
    });

    public Task ReleaseCallAsync(long call, CancellationToken cancellationToken) =>
        _calls.TryRemove(call, out var released) ? Guard(() => released.ReleaseAsync(cancellationToken)) : Task.CompletedTask;

    public Task OpenPhoneAsync(long phone, CancellationToken cancellationToken) =>
        Guard(() => Phone(phone).OpenAsync(new PhoneSink(Outbox, phone), cancellationToken));

    public Task ClosePhoneAsync(long phone, CancellationToken cancellationToken) => Guard(() => Phone(phone).CloseAsync(cancellationToken));

    public Task PhoneOperationAsync(long phone, PhoneOperation operation, int first, int second, CancellationToken cancellationToken) => Guard(() =>
    {
        var target = Phone(phone);
        return operation switch
        {
            PhoneOperation.SetHookSwitch => target.SetHookSwitchAsync((HookSwitchDevices)first, (HookSwitchMode)second, cancellationToken),
            PhoneOperation.SetRing => target.SetRingAsync(first, second, cancellationToken),
            _ => target.SetLampAsync(first, (LampMode)second, cancellationToken),
        };
    });

    /// <summary>Numbers a line and reads its key and capabilities; null (logged) when a getter throws.</summary>
    internal LineDto? AddLine(ILineDevice line) => Add(_lines, line, "line", id => LineDto.From(id, line.Key, line.Capabilities), dto => dto.Id);

    internal PhoneDto? AddPhone(IPhoneDevice phone) => Add(_phones, phone, "phone", id => PhoneDto.From(id, phone.Key, phone.Capabilities), dto => dto.Id);

    private TDto? Add<TDevice, TDto>(ConcurrentDictionary<long, TDevice> devices, TDevice device, string noun, Func<long, TDto> describe, Func<TDto, long> idOf)
        where TDto : class
    {
        try
        {
            var dto = describe(Interlocked.Increment(ref _nextDevice));
            devices[idOf(dto)] = device;
            return dto;
        }
        catch (Exception e)
        {
            Outbox.Log(BackendLogLevel.Error, $"reading a {noun}'s Key or Capabilities failed: {e.GetType().Name}: {e.Message}", e);
            return null;
        }
    }

    internal long? RemoveDevice(object device)
    {
        foreach (var (id, line) in _lines)
        {
            if (ReferenceEquals(line, device) && _lines.TryRemove(id, out _))
            {
                return id;
            }
        }

        foreach (var (id, phone) in _phones)
        {
            if (ReferenceEquals(phone, device) && _phones.TryRemove(id, out _))
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>A call the plugin announced: numbered from -1 down, so it never meets a number the host gave.</summary>
    internal long AnnounceCall(IBackendCall call)
    {
        var id = Interlocked.Decrement(ref _nextAnnouncedCall);
        _calls[id] = call;
        return id;
    }

    private ILineDevice Line(long id) => _lines.TryGetValue(id, out var line) ? line : throw Unknown("line", id);

    private IPhoneDevice Phone(long id) => _phones.TryGetValue(id, out var phone) ? phone : throw Unknown("phone", id);

    private IBackendCall Call(long id) => _calls.TryGetValue(id, out var call) ? call : throw Unknown("call", id);

    private static LocalRpcException Unknown(string what, long id) =>
        new($"The worker has no {what} {id} (it belongs to a session that ended).") { ErrorCode = WorkerErrors.Unknown };

    private static LocalRpcException Plugin(Exception e) => e switch
    {
        TelephonyException t => new LocalRpcException(t.Message) { ErrorCode = WorkerErrors.Telephony + (int)t.Error },
        _ => new LocalRpcException($"{e.GetType().Name}: {e.Message}") { ErrorCode = WorkerErrors.Plugin },
    };

    private async Task<T> Guard<T>(Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (LocalRpcException or OperationCanceledException))
        {
            throw Plugin(e);
        }
        finally
        {
            await Outbox.FlushAsync().ConfigureAwait(false); // what the plugin reported meanwhile goes first
        }
    }

    private Task Guard(Func<ValueTask> work) => Guard(async () =>
    {
        await work().ConfigureAwait(false);
        return true;
    });
}
