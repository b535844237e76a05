using TspHost.Abstractions;
using TspHost.Plugins.UsbHandset.Telephony;
using TspHost.Plugins.UsbHandset.Transport;

namespace TspHost.Plugins.UsbHandset.Device;

/// <summary>
/// One USB handset or headset as a phone device. The hook switch and keys come from input reports;
/// the ringer and LEDs go out in whole output reports rebuilt from the stored state, and the Off-Hook
/// and Mute LEDs always echo the hook and mute state (some headsets revert otherwise).
/// </summary>
internal sealed class UsbHandsetPhone : IPhoneDevice
{
    /// <summary>Lamp IDs: 0 Hold, 1 Mute, 2 Microphone.</summary>
    public static readonly HandsetIndicators[] Lamps = [HandsetIndicators.Hold, HandsetIndicators.Mute, HandsetIndicators.Microphone];

    /// <summary>Keypad 0-9, <c>*</c>, <c>#</c>, then Flash, Mute, Redial, Hold, Transfer, Drop.</summary>
    public const int ButtonCount = 18;

    private readonly Lock _lock = new();
    private readonly HidDeviceInfo _device;
    private readonly IHidTransport _transport;
    private readonly TelephonyReportMap _map;
    private readonly IBackendLog _log;
    private readonly HookSwitchDevices _hookDevice;
    private PhoneState _state = PhoneState.Closed;
    private IPhoneEvents? _events;
    private IHidConnection? _connection;
    private HidReportPump? _pump;
    private TelephonyInputDecoder? _decoder;
    private bool _offHook;
    private bool _muted;
    private bool _ringing;
    private bool _outOfServiceReported;
    private HandsetIndicators _lamps;

    public UsbHandsetPhone(HidDeviceInfo device, IHidTransport transport, TelephonyReportMap map, HandsetOptions options, IBackendLog log)
    {
        _device = device;
        _transport = transport;
        _map = map;
        _log = log;
        _hookDevice = map.HookSwitchDevice == HandsetKind.Headset ? HookSwitchDevices.Headset : HookSwitchDevices.Handset;
        var indicators = map.Indicators;
        var features = PhoneFeatures.None;
        if ((indicators & HandsetIndicators.OffHook) != 0)
        {
            features |= PhoneFeatures.SetHookSwitch;
        }

        if ((indicators & (HandsetIndicators.Ring | HandsetIndicators.Ringer)) != 0)
        {
            features |= PhoneFeatures.SetRing;
        }

        if (Lamps.Any(l => (indicators & l) != 0))
        {
            features |= PhoneFeatures.SetLamp;
        }

        Capabilities = new PhoneCapabilities
        {
            Name = string.IsNullOrWhiteSpace(device.Name) ? $"USB handset {device.VidPid}" : device.Name,
            ProviderInfo = $"USB HID {device.VidPid} via {transport.Name} ({device.Path})",
            Features = features,
            HookSwitchDevices = _hookDevice,
            SettableHookSwitchModes = HookSwitchMode.OnHook | HookSwitchMode.MicSpeaker,
            RingModes = 1,
            LampCount = Lamps.Length,
            ButtonCount = ButtonCount,
            AssociatedLineKey = options.AssociatedLine,
        };
    }

    private enum PhoneState
    {
        Closed,
        Open,
        Gone,
    }

    public string Key => _device.Key;

    public PhoneCapabilities Capabilities { get; }

    internal HidDeviceInfo Device => _device;

    /// <summary>The outputs as last sent; for tests and logs.</summary>
    internal HandsetIndicators Indicators
    {
        get
        {
            lock (_lock)
            {
                return Indicators_NeedsLock();
            }
        }
    }

    public ValueTask OpenAsync(IPhoneEvents events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            switch (_state)
            {
                case PhoneState.Open:
                    throw new TelephonyException(TelephonyError.OperationFailed, $"{Key} is already open.");
                case PhoneState.Gone:
                    throw new TelephonyException(TelephonyError.NoDevice, $"{Key} was unplugged.");
            }

            IHidConnection connection;
            try
            {
                connection = _transport.Open(_device);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new TelephonyException(TelephonyError.ResourceUnavailable, $"{_device.Path}: permission denied.", ex);
            }
            catch (IOException ex)
            {
                throw new TelephonyException(TelephonyError.NoDevice, $"{_device.Path}: {ex.Message}", ex);
            }

            _connection = connection;
            _decoder = _map.CreateDecoder();
            _offHook = false;
            _muted = false;
            _ringing = false;
            _lamps = HandsetIndicators.None;
            _outOfServiceReported = false;
            _events = events;
            _state = PhoneState.Open;
            // hidraw returns one report per read into a buffer of the longest input report.
            var pump = new HidReportPump(connection, _map.MaxInputReportLength > 0 ? _map.MaxInputReportLength : 64, OnReport, OnFailure, $"UsbHandset {_device.Path}");
            _pump = pump;
            try
            {
                // Start from a known state: every LED off, ringer silent.
                Send_NeedsLock();
            }
            catch (TelephonyException)
            {
                Shutdown_NeedsLock();
                connection.Dispose();
                throw;
            }

            pump.Start();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        HidReportPump? pump;
        IHidConnection? connection;
        lock (_lock)
        {
            if (_state != PhoneState.Open)
            {
                return ValueTask.CompletedTask;
            }

            pump = _pump;
            connection = _connection;
            _offHook = false;
            _muted = false;
            _ringing = false;
            _lamps = HandsetIndicators.None;
            try
            {
                Send_NeedsLock();
            }
            catch (TelephonyException ex)
            {
                _log.Log(BackendLogLevel.Debug, $"{Key}: could not switch the LEDs off on close: {ex.Message}");
            }

            Shutdown_NeedsLock();
        }

        // Joining the reader thread means no event can still be on its way once this returns.
        pump?.Stop();
        connection?.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask SetHookSwitchAsync(HookSwitchDevices devices, HookSwitchMode mode, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (devices == HookSwitchDevices.None || (devices & ~_hookDevice) != 0)
        {
            throw new TelephonyException(TelephonyError.InvalidParameter, $"{Key} has no hook switch device {devices}; it has {_hookDevice}.");
        }

        var offHook = mode switch
        {
            HookSwitchMode.OnHook => false,
            HookSwitchMode.MicSpeaker or HookSwitchMode.Mic or HookSwitchMode.Speaker => true,
            _ => throw new TelephonyException(TelephonyError.InvalidParameter, $"Hook switch mode {mode} cannot be set."),
        };

        lock (_lock)
        {
            EnsureOpen_NeedsLock();
            _offHook = offHook;
            Send_NeedsLock();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SetRingAsync(int ringMode, int volume, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (ringMode < 0 || ringMode > Capabilities.RingModes)
        {
            throw new TelephonyException(TelephonyError.InvalidParameter, $"Ring mode {ringMode} is not 0..{Capabilities.RingModes}.");
        }

        if (volume is < 0 or > 0xFFFF)
        {
            throw new TelephonyException(TelephonyError.InvalidParameter, $"Ring volume {volume} is not 0..65535.");
        }

        lock (_lock)
        {
            EnsureOpen_NeedsLock();
            _ringing = ringMode != 0;
            Send_NeedsLock();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SetLampAsync(int lampId, LampMode mode, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (lampId < 0 || lampId >= Lamps.Length)
        {
            throw new TelephonyException(TelephonyError.InvalidParameter, $"Lamp {lampId} is not 0..{Lamps.Length - 1}.");
        }

        if (!Enum.IsDefined(mode))
        {
            throw new TelephonyException(TelephonyError.InvalidParameter, $"Lamp mode {mode} is unknown.");
        }

        // A LED is on or off: wink and flash show as steady.
        var on = mode != LampMode.Off;
        var lamp = Lamps[lampId];
        lock (_lock)
        {
            EnsureOpen_NeedsLock();
            if (lamp == HandsetIndicators.Mute)
            {
                _muted = on;
            }
            else
            {
                _lamps = on ? _lamps | lamp : _lamps & ~lamp;
            }

            Send_NeedsLock();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The device vanished (the session saw it go): no more I/O, the host removes it.</summary>
    internal void MarkGone()
    {
        HidReportPump? pump;
        IHidConnection? connection;
        IPhoneEvents? events;
        lock (_lock)
        {
            events = TakeOutOfServiceSink_NeedsLock();
            pump = _pump;
            connection = _connection;
            Shutdown_NeedsLock();
            _state = PhoneState.Gone;
        }

        pump?.Stop();
        connection?.Dispose();
        events?.ServiceChanged(false);
    }

    private void OnReport(ReadOnlySpan<byte> report)
    {
        IPhoneEvents? events;
        IReadOnlyList<HandsetInput> inputs;
        lock (_lock)
        {
            if (_state != PhoneState.Open || _decoder is null)
            {
                return;
            }

            events = _events;
            inputs = _decoder.Decode(report, _offHook, _muted);
            var echo = false;
            foreach (var input in inputs)
            {
                if (input.Control == HandsetControl.HookSwitch && input.Active != _offHook)
                {
                    _offHook = input.Active;
                    echo = true;
                }
                else if (input.Control == HandsetControl.PhoneMute && input.Active != _muted)
                {
                    _muted = input.Active;
                    echo = true;
                }
            }

            if (echo)
            {
                try
                {
                    Send_NeedsLock();
                }
                catch (TelephonyException ex)
                {
                    _log.Log(BackendLogLevel.Warning, $"{Key}: could not echo the state to the device: {ex.Message}");
                }
            }
        }

        // Events are raised outside the lock, on the reader thread; CloseAsync joins that thread.
        foreach (var input in inputs)
        {
            Raise(events, input);
        }
    }

    private void Raise(IPhoneEvents? events, HandsetInput input)
    {
        if (events is null)
        {
            return;
        }

        switch (input.Control)
        {
            case HandsetControl.HookSwitch:
                events.HookSwitchChanged(_hookDevice, input.Active ? HookSwitchMode.MicSpeaker : HookSwitchMode.OnHook);
                break;
            case HandsetControl.PhoneMute:
                // Mute is a state on the device and a feature button press for TAPI.
                events.ButtonChanged((int)HandsetControl.PhoneMute, PhoneButtonMode.Feature, PhoneButtonState.Down);
                events.ButtonChanged((int)HandsetControl.PhoneMute, PhoneButtonMode.Feature, PhoneButtonState.Up);
                break;
            default:
                var mode = input.Control <= HandsetControl.KeyPound ? PhoneButtonMode.Keypad : PhoneButtonMode.Feature;
                events.ButtonChanged((int)input.Control, mode, input.Active ? PhoneButtonState.Down : PhoneButtonState.Up);
                break;
        }
    }

    private void OnFailure(Exception ex)
    {
        _log.Log(BackendLogLevel.Warning, $"{Key}: reading failed, the device is out of service: {ex.Message}", ex);
        IPhoneEvents? events;
        lock (_lock)
        {
            events = TakeOutOfServiceSink_NeedsLock();
        }

        events?.ServiceChanged(false);
    }

    // Out of service is reported once, whether the reader or the rescan notices first.
    private IPhoneEvents? TakeOutOfServiceSink_NeedsLock()
    {
        if (_state != PhoneState.Open || _outOfServiceReported)
        {
            return null;
        }

        _outOfServiceReported = true;
        return _events;
    }

    private void EnsureOpen_NeedsLock()
    {
        switch (_state)
        {
            case PhoneState.Closed:
                throw new TelephonyException(TelephonyError.OperationFailed, $"{Key} is not open.");
            case PhoneState.Gone:
                throw new TelephonyException(TelephonyError.NoDevice, $"{Key} was unplugged.");
        }
    }

    private HandsetIndicators Indicators_NeedsLock()
    {
        var state = _lamps;
        if (_offHook)
        {
            state |= HandsetIndicators.OffHook;
        }

        if (_muted)
        {
            state |= HandsetIndicators.Mute;
        }

        if (_ringing)
        {
            state |= HandsetIndicators.Ring | HandsetIndicators.Ringer;
        }

        return state;
    }

    private void Send_NeedsLock()
    {
        if (_connection is not { } connection)
        {
            return;
        }

        try
        {
            foreach (var report in _map.Encode(Indicators_NeedsLock()))
            {
                connection.WriteReport(report);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            throw new TelephonyException(TelephonyError.NoDevice, $"{Key}: writing to the device failed: {ex.Message}", ex);
        }
    }

    private void Shutdown_NeedsLock()
    {
        _state = PhoneState.Closed;
        _events = null;
        _pump = null;
        _connection = null;
        _decoder = null;
    }
}
