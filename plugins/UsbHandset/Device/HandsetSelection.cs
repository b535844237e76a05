using TspHost.Abstractions;
using TspHost.Plugins.UsbHandset.Hid;
using TspHost.Plugins.UsbHandset.Telephony;
using TspHost.Plugins.UsbHandset.Transport;

namespace TspHost.Plugins.UsbHandset.Device;

/// <summary>
/// Decides which HID devices are handsets: those with a Telephony (0x0B) application collection when
/// discovery is on, and those whose VID:PID is listed, provided they carry a telephony control, an
/// indicator or a configured key map. Nothing else is opened.
/// </summary>
internal static class HandsetSelection
{
    public static TelephonyReportMap? Select(HidDeviceInfo device, UsbHandsetSettings settings, IBackendLog log)
    {
        var listed = settings.AllowList.Contains(device.VidPid);
        if (!listed && !settings.Discover)
        {
            return null;
        }

        HidReportDescriptor descriptor;
        try
        {
            descriptor = HidReportDescriptor.Parse(device.ReportDescriptor);
        }
        catch (HidDescriptorException ex)
        {
            log.Log(listed ? BackendLogLevel.Warning : BackendLogLevel.Debug, $"{device.Path} ({device.VidPid}): skipped, {ex.Message}");
            return null;
        }

        if (!listed && !descriptor.HasApplicationOnPage(TelephonyUsages.TelephonyPage))
        {
            return null;
        }

        var map = TelephonyReportMap.Create(descriptor, settings.For(device.VidPid).KeyMap);
        return map.Controls.Count > 0 || map.Indicators != HandsetIndicators.None ? map : null;
    }
}
