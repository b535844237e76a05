using System.Collections.Concurrent;
using TspHost.Abstractions;
using TspHost.Plugins.UsbHandset.Telephony;
using TspHost.Plugins.UsbHandset.Transport;

namespace TspHost.Plugins.UsbHandset.Tests;

/// <summary>A transport whose devices are whatever the test puts in it.</summary>
internal sealed class FakeTransport : IHidTransport
{
    private readonly Lock _lock = new();
    private readonly List<HidDeviceInfo> _devices = [];

    public ConcurrentDictionary<string, FakeConnection> Connections { get; } = new();

    public string Name => "fake";

    public bool Disposed { get; private set; }

    public HidDeviceInfo Plug(byte[] descriptor, string vidPid = "0B0E:0001", string where = "usb-1")
    {
        var parts = vidPid.Split(':');
        var device = new HidDeviceInfo($"hid:{vidPid}:{where}", $"/dev/fake-{where}", Convert.ToUInt16(parts[0], 16), Convert.ToUInt16(parts[1], 16), "Fake headset", descriptor);
        lock (_lock)
        {
            _devices.Add(device);
        }

        return device;
    }

    public void Unplug(HidDeviceInfo device)
    {
        lock (_lock)
        {
            _devices.Remove(device);
        }

        if (Connections.TryGetValue(device.Path, out var connection))
        {
            connection.Unplug();
        }
    }

    public IReadOnlyList<HidDeviceInfo> Enumerate()
    {
        lock (_lock)
        {
            return [.. _devices];
        }
    }

    public IHidConnection Open(HidDeviceInfo device)
    {
        lock (_lock)
        {
            if (!_devices.Contains(device))
            {
                throw new IOException($"{device.Path}: no such device");
            }
        }

        var connection = new FakeConnection();
        Connections[device.Path] = connection;
        return connection;
    }

    public void Dispose() => Disposed = true;
}

/// <summary>An open fake device: the test feeds input reports and reads what was written.</summary>
internal sealed class FakeConnection : IHidConnection
{
    private readonly BlockingCollection<byte[]> _inputs = [];
    private readonly ConcurrentQueue<HidOutputReport> _written = new();
    private volatile bool _gone;
    private int _readers;

    public bool Disposed { get; private set; }

    public IReadOnlyList<string> Written => [.. _written.Select(r => r.ToString())];

    public string? LastWritten => _written.LastOrDefault()?.ToString();

    public void Feed(string hex) => _inputs.Add(Descriptors.Hex(hex));

    /// <summary>Reports fed that nobody has read yet.</summary>
    public int Unread => _inputs.Count;

    /// <summary>Threads inside <see cref="ReadReport"/> now: a reader still running is in there nearly all the time.</summary>
    public int Readers => Volatile.Read(ref _readers);

    public void Unplug() => _gone = true;

    public int ReadReport(Span<byte> buffer, int timeoutMilliseconds)
    {
        Interlocked.Increment(ref _readers);
        try
        {
            if (_gone)
            {
                throw new IOException("gone");
            }

            if (!_inputs.TryTake(out var report, timeoutMilliseconds))
            {
                return 0;
            }

            report.CopyTo(buffer);
            return report.Length;
        }
        finally
        {
            Interlocked.Decrement(ref _readers);
        }
    }

    public void WriteReport(HidOutputReport report)
    {
        if (_gone)
        {
            throw new IOException("gone");
        }

        _written.Enqueue(report);
    }

    public void Dispose() => Disposed = true;
}

/// <summary>Records phone events as text, thread-safely.</summary>
internal sealed class PhoneEventLog : IPhoneEvents
{
    private readonly ConcurrentQueue<string> _events = new();

    public IReadOnlyList<string> Events => [.. _events];

    public string Text => string.Join(' ', _events);

    public void ButtonChanged(int buttonId, PhoneButtonMode mode, PhoneButtonState state) =>
        _events.Enqueue($"button:{buttonId}:{mode}:{state}");

    public void HookSwitchChanged(HookSwitchDevices device, HookSwitchMode mode) => _events.Enqueue($"hook:{device}:{mode}");

    public void ServiceChanged(bool inService) => _events.Enqueue($"service:{inService}");
}

internal sealed class SessionEventLog : ISessionEvents
{
    private readonly ConcurrentQueue<string> _events = new();

    public IReadOnlyList<string> Events => [.. _events];

    public ConcurrentQueue<IPhoneDevice> Arrived { get; } = new();

    public void LineArrived(ILineDevice line) => _events.Enqueue($"line+:{line.Key}");

    public void LineDeparted(ILineDevice line) => _events.Enqueue($"line-:{line.Key}");

    public void PhoneArrived(IPhoneDevice phone)
    {
        Arrived.Enqueue(phone);
        _events.Enqueue($"phone+:{phone.Key}");
    }

    public void PhoneDeparted(IPhoneDevice phone) => _events.Enqueue($"phone-:{phone.Key}");
}

internal sealed class ListLog : IBackendLog
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => [.. _entries];

    public void Log(BackendLogLevel level, string message, Exception? exception = null) => _entries.Enqueue($"{level}: {message}");
}
