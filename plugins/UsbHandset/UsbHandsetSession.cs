using TspHost.Abstractions;
using TspHost.Plugins.UsbHandset.Device;
using TspHost.Plugins.UsbHandset.Transport;

namespace TspHost.Plugins.UsbHandset;

/// <summary>
/// The handsets of one session. Hot plug is a periodic rescan on the session's clock: a device that
/// appears is announced with PhoneArrived, one that vanishes is marked gone and announced with
/// PhoneDeparted.
/// </summary>
internal sealed class UsbHandsetSession : IBackendSession
{
    private readonly Lock _lock = new();
    private readonly Lock _scanLock = new();
    private readonly UsbHandsetSettings _settings;
    private readonly IHidTransport _transport;
    private readonly BackendSessionContext _context;
    private readonly Dictionary<string, UsbHandsetPhone> _present = new(StringComparer.Ordinal);
    private ITimer? _timer;
    private bool _disposed;

    private UsbHandsetSession(UsbHandsetSettings settings, IHidTransport transport, BackendSessionContext context, IReadOnlyList<UsbHandsetPhone> phones)
    {
        _settings = settings;
        _transport = transport;
        _context = context;
        Phones = phones;
        foreach (var phone in phones)
        {
            _present[phone.Key] = phone;
        }
    }

    public IReadOnlyList<ILineDevice> Lines => [];

    public IReadOnlyList<IPhoneDevice> Phones { get; }

    public static UsbHandsetSession Start(UsbHandsetSettings settings, IHidTransport transport, BackendSessionContext context)
    {
        var phones = Scan(settings, transport, context.Log)
            .Select(p => new UsbHandsetPhone(p.Device, transport, p.Map, settings.For(p.Device.VidPid), context.Log))
            .ToList();
        context.Log.Log(BackendLogLevel.Information, $"{phones.Count} handset(s) found through {transport.Name}.");
        var session = new UsbHandsetSession(settings, transport, context, phones);
        if (settings.RescanInterval > TimeSpan.Zero)
        {
            session._timer = context.Time.CreateTimer(_ => session.Rescan(), null, settings.RescanInterval, settings.RescanInterval);
        }

        return session;
    }

    /// <summary>Looks for arrived and departed devices now.</summary>
    internal void Rescan()
    {
        // Timer callbacks may overlap when a scan is slow: skip rather than queue.
        if (!_scanLock.TryEnter())
        {
            return;
        }

        try
        {
            var found = Scan(_settings, _transport, _context.Log).ToDictionary(p => p.Device.Key, StringComparer.Ordinal);
            var arrived = new List<UsbHandsetPhone>();
            var departed = new List<UsbHandsetPhone>();
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                foreach (var (key, phone) in _present.Where(p => !found.ContainsKey(p.Key)).ToList())
                {
                    _present.Remove(key);
                    departed.Add(phone);
                }

                foreach (var (key, candidate) in found.Where(p => !_present.ContainsKey(p.Key)))
                {
                    var phone = new UsbHandsetPhone(candidate.Device, _transport, candidate.Map, _settings.For(candidate.Device.VidPid), _context.Log);
                    _present[key] = phone;
                    arrived.Add(phone);
                }
            }

            foreach (var phone in departed)
            {
                _context.Log.Log(BackendLogLevel.Information, $"{phone.Key} was unplugged.");
                phone.MarkGone();
                _context.Events.PhoneDeparted(phone);
            }

            foreach (var phone in arrived)
            {
                _context.Log.Log(BackendLogLevel.Information, $"{phone.Key} was plugged in.");
                _context.Events.PhoneArrived(phone);
            }
        }
        finally
        {
            _scanLock.Exit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<UsbHandsetPhone> phones;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            phones = [.. _present.Values];
            _present.Clear();
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync();
        }

        // Wait out a scan in progress so no arrival is announced after the session ended.
        lock (_scanLock)
        {
        }

        foreach (var phone in phones)
        {
            await phone.CloseAsync(CancellationToken.None);
        }

        _transport.Dispose();
    }

    private static IEnumerable<(HidDeviceInfo Device, Telephony.TelephonyReportMap Map)> Scan(UsbHandsetSettings settings, IHidTransport transport, IBackendLog log)
    {
        IReadOnlyList<HidDeviceInfo> devices;
        try
        {
            devices = transport.Enumerate();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Log(BackendLogLevel.Warning, $"Listing HID devices through {transport.Name} failed: {ex.Message}", ex);
            return [];
        }

        var result = new List<(HidDeviceInfo, Telephony.TelephonyReportMap)>();
        foreach (var device in devices)
        {
            if (HandsetSelection.Select(device, settings, log) is { } map)
            {
                result.Add((device, map));
            }
        }

        return result;
    }
}
