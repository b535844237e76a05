using System.Runtime.InteropServices;

namespace TspHost.Plugins.UsbHandset.DeviceTests;

/// <summary>
/// An umockdev testbed in this process: fake sysfs entries and device nodes, seen by every file
/// call of the process while it lives (through libumockdev-preload, which the run settings preload).
/// </summary>
internal sealed partial class UmockdevTestbed : IDisposable
{
    private const string Library = "libumockdev.so.0";
    private const string GObject = "libgobject-2.0.so.0";

    private nint _testbed;

    private UmockdevTestbed(nint testbed) => _testbed = testbed;

    /// <summary>Why these tests cannot run here, or <c>null</c> when they can.</summary>
    public static string? Unavailable()
    {
        var preload = Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "";
        if (!preload.Contains("umockdev", StringComparison.Ordinal))
        {
            return "not running under libumockdev-preload (run with TspHost.Plugins.UsbHandset.DeviceTests.runsettings; needs the Debian packages umockdev and libumockdev0)";
        }

        return NativeLibrary.TryLoad(Library, out var handle) ? Free(handle) : $"{Library} is not installed (Debian package libumockdev0)";

        static string? Free(nint handle)
        {
            NativeLibrary.Free(handle);
            return null;
        }
    }

    public static UmockdevTestbed Create()
    {
        var testbed = umockdev_testbed_new();
        return testbed == 0 ? throw new InvalidOperationException("umockdev_testbed_new failed") : new UmockdevTestbed(testbed);
    }

    /// <summary>Adds devices from an umockdev-record description.</summary>
    public void AddFromFile(string path) =>
        Check(umockdev_testbed_add_from_string(_testbed, File.ReadAllText(path), out var error), error, $"adding {path}");

    /// <summary>Replays a script on a device node: reads are fed, writes are checked.</summary>
    public void LoadScript(string device, string scriptPath) =>
        Check(umockdev_testbed_load_script(_testbed, device, scriptPath, out var error), error, $"loading {scriptPath}");

    /// <summary>Replays a usbmon capture (link type 220) on the USB device at <paramref name="sysfsPath"/>.</summary>
    public void LoadPcap(string sysfsPath, string pcapPath) =>
        Check(umockdev_testbed_load_pcap(_testbed, sysfsPath, pcapPath, out var error), error, $"loading {pcapPath}");

    public void Dispose()
    {
        if (_testbed != 0)
        {
            g_object_unref(_testbed);
            _testbed = 0;
        }
    }

    private static void Check(int ok, nint error, string what)
    {
        if (ok == 0)
        {
            // GError: { GQuark domain; gint code; gchar *message; }
            var message = error == 0 ? "unknown error" : Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(error, 8));
            throw new InvalidOperationException($"umockdev: {what}: {message}");
        }
    }

    [LibraryImport(Library)]
    private static partial nint umockdev_testbed_new();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umockdev_testbed_add_from_string(nint testbed, string data, out nint error);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umockdev_testbed_load_script(nint testbed, string device, string scriptFile, out nint error);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umockdev_testbed_load_pcap(nint testbed, string sysfs, string pcapFile, out nint error);

    [LibraryImport(GObject)]
    private static partial void g_object_unref(nint instance);
}
