using System.Collections.Concurrent;
using TspHost.Abstractions;

namespace TspHost.Plugins.UsbHandset.DeviceTests;

/// <summary>Records phone events as short text.</summary>
internal sealed class PhoneEvents : IPhoneEvents
{
    private readonly ConcurrentQueue<string> _all = new();

    public IReadOnlyList<string> All => [.. _all];

    public void ButtonChanged(int buttonId, PhoneButtonMode mode, PhoneButtonState state) => _all.Enqueue($"{buttonId}:{state}");

    public void HookSwitchChanged(HookSwitchDevices device, HookSwitchMode mode) => _all.Enqueue($"hook:{mode}");

    public void ServiceChanged(bool inService) => _all.Enqueue($"service:{inService}");
}

internal sealed class NoSessionEvents : ISessionEvents
{
    public void LineArrived(ILineDevice line)
    {
    }

    public void LineDeparted(ILineDevice line)
    {
    }

    public void PhoneArrived(IPhoneDevice phone)
    {
    }

    public void PhoneDeparted(IPhoneDevice phone)
    {
    }
}

internal sealed class EntryLog : IBackendLog
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public void Log(BackendLogLevel level, string message, Exception? exception = null) => Entries.Enqueue($"{level}: {message}");
}
