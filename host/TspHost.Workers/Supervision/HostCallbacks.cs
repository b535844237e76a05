using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TspHost.Abstractions;
using TspHost.Workers.Channel;

namespace TspHost.Workers.Supervision;

/// <summary>
/// The host's side of a worker's notifications: each is handed to the engine's sink for the device or
/// call it names, in the order the worker sent them (one at a time, on the channel's reading loop).
/// Once the worker is declared dead nothing more is delivered: its devices have gone out of service.
/// </summary>
internal sealed class HostCallbacks(WorkerProcess worker, ILogger logger, string plugin) : IHostCallbacks
{
    private readonly ConcurrentDictionary<long, RemoteLine> _lines = new();
    private readonly ConcurrentDictionary<long, RemotePhone> _phones = new();
    private readonly ConcurrentDictionary<long, ICallEvents> _calls = new();

    /// <summary>Where hot-plugged devices of the running session are reported.</summary>
    public ISessionEvents? Session { get; set; }

    private readonly Lock _delivering = new();

    /// <summary>True once the worker is dead: late notifications are dropped.</summary>
    public bool Closed { get; set; }

    /// <summary>Stops delivery, then runs <paramref name="afterwards"/>: no notification is handled after it, or at the same time.</summary>
    public void Close(Action afterwards)
    {
        lock (_delivering)
        {
            Closed = true;
        }

        afterwards();
    }

    public RemoteLine AddLine(LineDto dto) => _lines[dto.Id] = new RemoteLine(worker, dto);

    public RemotePhone AddPhone(PhoneDto dto) => _phones[dto.Id] = new RemotePhone(worker, dto);

    private long _nextCall;

    /// <summary>Numbers a call the host asks for (from 1 up; the worker numbers its own from -1 down) and routes its events, which may come before the request returns.</summary>
    public long NewCallId(ICallEvents events)
    {
        var id = Interlocked.Increment(ref _nextCall);
        _calls[id] = events;
        return id;
    }

    public void Forget(long call) => _calls.TryRemove(call, out _);

    public void Clear()
    {
        _lines.Clear();
        _phones.Clear();
        _calls.Clear();
    }

    public void Log(BackendLogLevel level, string message, string? exception)
    {
        var mapped = level switch
        {
            BackendLogLevel.Trace => LogLevel.Trace,
            BackendLogLevel.Debug => LogLevel.Debug,
            BackendLogLevel.Information => LogLevel.Information,
            BackendLogLevel.Warning => LogLevel.Warning,
            _ => LogLevel.Error,
        };
        logger.Log(mapped, "[{Plugin}] {Message}{Exception}", plugin, message, exception is null ? "" : $"\n{exception}");
    }

    public void LineArrived(LineDto line) => Deliver(() => Session?.LineArrived(AddLine(line)));

    public void LineDeparted(long line) => Deliver(() =>
    {
        if (_lines.TryRemove(line, out var departed))
        {
            Session?.LineDeparted(departed);
        }
    });

    public void PhoneArrived(PhoneDto phone) => Deliver(() => Session?.PhoneArrived(AddPhone(phone)));

    public void PhoneDeparted(long phone) => Deliver(() =>
    {
        if (_phones.TryRemove(phone, out var departed))
        {
            Session?.PhoneDeparted(departed);
        }
    });

    public void NewCall(long line, long call, string backendId, NewCallDto info)
    {
        var remote = new RemoteCall(worker, call, backendId);
        var taken = false;
        Deliver(() =>
        {
            if (_lines.TryGetValue(line, out var target) && target.Events is { } events)
            {
                _calls[call] = events.NewCall(remote, new NewCallInfo { InitialState = info.InitialState, Origin = info.Origin, MediaMode = info.MediaMode, Caller = info.Caller?.ToParty() });
                taken = true;
            }
        });
        if (!taken)
        {
            _ = remote.ReleaseAsync(CancellationToken.None); // announced on a line that is not open: nobody takes it
        }
    }

    public void Ringing(long line, int ringCount) => Deliver(() => LineEvents(line)?.Ringing(ringCount));

    public void LineService(long line, bool inService) => Deliver(() => LineEvents(line)?.ServiceChanged(inService));

    public void CallState(long call, CallState state, DisconnectMode mode) => Deliver(() => CallEvents(call)?.StateChanged(state, mode));

    public void CallParty(long call, PartyRole role, PartyDto party) => Deliver(() => CallEvents(call)?.PartyChanged(role, party.ToParty()));

    public void CallMediaMode(long call, MediaModes mediaMode) => Deliver(() => CallEvents(call)?.MediaModeChanged(mediaMode));

    public void CallDigit(long call, char digit) => Deliver(() => CallEvents(call)?.DigitReceived(digit));

    public void PhoneButton(long phone, int buttonId, PhoneButtonMode mode, PhoneButtonState state) => Deliver(() => PhoneEvents(phone)?.ButtonChanged(buttonId, mode, state));

    public void PhoneHookSwitch(long phone, HookSwitchDevices device, HookSwitchMode mode) => Deliver(() => PhoneEvents(phone)?.HookSwitchChanged(device, mode));

    public void PhoneService(long phone, bool inService) => Deliver(() => PhoneEvents(phone)?.ServiceChanged(inService));

    /// <summary>Hands one notification to the engine unless the worker was declared dead; never at the same time as <see cref="Close"/>.</summary>
    private void Deliver(Action deliver)
    {
        lock (_delivering)
        {
            if (!Closed)
            {
                deliver();
            }
        }
    }

    private ILineEvents? LineEvents(long line) => _lines.TryGetValue(line, out var target) ? target.Events : null;

    private IPhoneEvents? PhoneEvents(long phone) => _phones.TryGetValue(phone, out var target) ? target.Events : null;

    private ICallEvents? CallEvents(long call) => _calls.TryGetValue(call, out var events) ? events : null;
}
