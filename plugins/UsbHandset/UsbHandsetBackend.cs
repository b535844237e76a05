using TspHost.Abstractions;
using TspHost.Plugins.UsbHandset.Transport;

namespace TspHost.Plugins.UsbHandset;

/// <summary>USB HID telephony handsets and headsets as phone devices.</summary>
public sealed class UsbHandsetBackend : ITelephonyBackend
{
    private readonly Func<UsbHandsetSettings, IHidTransport> _transportFactory;

    /// <summary>Creates the backend with the transport the settings name.</summary>
    public UsbHandsetBackend()
        : this(CreateTransport)
    {
    }

    internal UsbHandsetBackend(Func<UsbHandsetSettings, IHidTransport> transportFactory) => _transportFactory = transportFactory;

    /// <inheritdoc />
    public string Name => "UsbHandset";

    /// <inheritdoc />
    public void ValidateSettings(BackendSettings settings) => UsbHandsetSettings.Parse(settings);

    /// <inheritdoc />
    public ValueTask InstallAsync(BackendHookContext context, CancellationToken cancellationToken) => Check(context);

    /// <inheritdoc />
    public ValueTask ConfigureAsync(BackendHookContext context, CancellationToken cancellationToken) => Check(context);

    /// <inheritdoc />
    public ValueTask RemoveAsync(BackendHookContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask<IBackendSession> StartSessionAsync(BackendSessionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        var settings = UsbHandsetSettings.Parse(context.Settings);
        IHidTransport transport;
        try
        {
            transport = _transportFactory(settings);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or IOException or PlatformNotSupportedException)
        {
            throw new TelephonyException(TelephonyError.ResourceUnavailable, $"The {settings.Transport} transport is not available here: {ex.Message}", ex);
        }

        return ValueTask.FromResult<IBackendSession>(UsbHandsetSession.Start(settings, transport, context));
    }

    private ValueTask Check(BackendHookContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ValidateSettings(context.Settings);
        return ValueTask.CompletedTask;
    }

    private static IHidTransport CreateTransport(UsbHandsetSettings settings) => settings.Transport switch
    {
        // Through libusb a device must be opened to read its descriptor: only listed devices are.
        HidTransportKind.LibUsb => LibUsbTransport.Create(settings.AllowList.Contains),
        _ => new HidrawTransport(settings.HidrawSysfsRoot, settings.DeviceRoot),
    };
}
