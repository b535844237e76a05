using TspHost.Abstractions;
using TspHost.Workers.Channel;

namespace TspHost.Workers.Worker;

// The event sinks the worker hands its plugin: each forwards what the plugin reports to the host,
// naming the device or call by the ID both sides know it by.

internal sealed class LineSink(WorkerService service, long line) : ILineEvents
{
    public ICallEvents NewCall(IBackendCall call, NewCallInfo info)
    {
        var id = service.AnnounceCall(call);
        service.Outbox.Post(nameof(IHostCallbacks.NewCall), line, id, call.Id, new NewCallDto(info.InitialState, info.Origin, info.MediaMode, PartyDto.From(info.Caller)));
        return new CallSink(service.Outbox, id);
    }

    public void Ringing(int ringCount) => service.Outbox.Post(nameof(IHostCallbacks.Ringing), line, ringCount);

    public void ServiceChanged(bool inService) => service.Outbox.Post(nameof(IHostCallbacks.LineService), line, inService);
}

internal sealed class CallSink(WorkerOutbox outbox, long call) : ICallEvents
{
    public void StateChanged(CallState state, DisconnectMode disconnectMode = DisconnectMode.None) =>
        outbox.Post(nameof(IHostCallbacks.CallState), call, state, disconnectMode);

    public void PartyChanged(PartyRole role, PartyId party) => outbox.Post(nameof(IHostCallbacks.CallParty), call, role, PartyDto.From(party));

    public void MediaModeChanged(MediaModes mediaMode) => outbox.Post(nameof(IHostCallbacks.CallMediaMode), call, mediaMode);

    public void DigitReceived(char digit) => outbox.Post(nameof(IHostCallbacks.CallDigit), call, digit);
}

internal sealed class PhoneSink(WorkerOutbox outbox, long phone) : IPhoneEvents
{
    public void ButtonChanged(int buttonId, PhoneButtonMode mode, PhoneButtonState state) =>
        outbox.Post(nameof(IHostCallbacks.PhoneButton), phone, buttonId, mode, state);

    public void HookSwitchChanged(HookSwitchDevices device, HookSwitchMode mode) => outbox.Post(nameof(IHostCallbacks.PhoneHookSwitch), phone, device, mode);

    public void ServiceChanged(bool inService) => outbox.Post(nameof(IHostCallbacks.PhoneService), phone, inService);
}

internal sealed class SessionSink(WorkerService service) : ISessionEvents
{
    public void LineArrived(ILineDevice line)
    {
        if (service.AddLine(line) is { } dto)
        {
            service.Outbox.Post(nameof(IHostCallbacks.LineArrived), dto);
        }
    }

    public void LineDeparted(ILineDevice line)
    {
        if (service.RemoveDevice(line) is { } id)
        {
            service.Outbox.Post(nameof(IHostCallbacks.LineDeparted), id);
        }
    }

    public void PhoneArrived(IPhoneDevice phone)
    {
        if (service.AddPhone(phone) is { } dto)
        {
            service.Outbox.Post(nameof(IHostCallbacks.PhoneArrived), dto);
        }
    }

    public void PhoneDeparted(IPhoneDevice phone)
    {
        if (service.RemoveDevice(phone) is { } id)
        {
            service.Outbox.Post(nameof(IHostCallbacks.PhoneDeparted), id);
        }
    }
}
