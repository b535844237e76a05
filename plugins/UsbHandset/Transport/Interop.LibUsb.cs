using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TspHost.Plugins.UsbHandset.Transport;

internal static partial class Interop
{
    /// <summary>The synchronous part of libusb-1.0 (the library LibUsbDotNet wraps).</summary>
    internal static partial class LibUsb
    {
        public const string Library = "libusb-1.0.so.0";

        public const int Success = 0;
        public const int ErrorIo = -1;
        public const int ErrorAccess = -3;
        public const int ErrorNoDevice = -4;
        public const int ErrorBusy = -6;
        public const int ErrorTimeout = -7;
        public const int ErrorOverflow = -8;
        public const int ErrorPipe = -9;

        public const byte ClassHid = 3;
        public const byte DescriptorTypeHid = 0x21;
        public const byte DescriptorTypeReport = 0x22;
        public const byte EndpointIn = 0x80;
        public const byte TransferTypeInterrupt = 3;

        [LibraryImport(Library, EntryPoint = "libusb_init")]
        public static partial int Init(out SafeLibUsbContextHandle context);

        [LibraryImport(Library, EntryPoint = "libusb_exit")]
        public static partial void Exit(nint context);

        [LibraryImport(Library, EntryPoint = "libusb_get_device_list")]
        public static partial nint GetDeviceList(SafeLibUsbContextHandle context, out nint list);

        [LibraryImport(Library, EntryPoint = "libusb_free_device_list")]
        public static partial void FreeDeviceList(nint list, int unreferenceDevices);

        [LibraryImport(Library, EntryPoint = "libusb_get_device_descriptor")]
        public static partial int GetDeviceDescriptor(nint device, out DeviceDescriptor descriptor);

        [LibraryImport(Library, EntryPoint = "libusb_get_active_config_descriptor")]
        public static partial int GetActiveConfigDescriptor(nint device, out nint config);

        [LibraryImport(Library, EntryPoint = "libusb_free_config_descriptor")]
        public static partial void FreeConfigDescriptor(nint config);

        [LibraryImport(Library, EntryPoint = "libusb_get_bus_number")]
        public static partial byte GetBusNumber(nint device);

        [LibraryImport(Library, EntryPoint = "libusb_get_port_numbers")]
        public static unsafe partial int GetPortNumbers(nint device, byte* ports, int length);

        [LibraryImport(Library, EntryPoint = "libusb_open")]
        public static partial int Open(nint device, out SafeLibUsbDeviceHandle handle);

        [LibraryImport(Library, EntryPoint = "libusb_close")]
        public static partial void Close(nint handle);

        [LibraryImport(Library, EntryPoint = "libusb_set_auto_detach_kernel_driver")]
        public static partial int SetAutoDetachKernelDriver(SafeLibUsbDeviceHandle handle, int enable);

        [LibraryImport(Library, EntryPoint = "libusb_claim_interface")]
        public static partial int ClaimInterface(SafeLibUsbDeviceHandle handle, int interfaceNumber);

        [LibraryImport(Library, EntryPoint = "libusb_release_interface")]
        public static partial int ReleaseInterface(SafeLibUsbDeviceHandle handle, int interfaceNumber);

        [LibraryImport(Library, EntryPoint = "libusb_control_transfer")]
        public static unsafe partial int ControlTransfer(SafeLibUsbDeviceHandle handle, byte requestType, byte request, ushort value, ushort index, byte* data, ushort length, uint timeoutMilliseconds);

        [LibraryImport(Library, EntryPoint = "libusb_interrupt_transfer")]
        public static unsafe partial int InterruptTransfer(SafeLibUsbDeviceHandle handle, byte endpoint, byte* data, int length, out int transferred, uint timeoutMilliseconds);

        [LibraryImport(Library, EntryPoint = "libusb_get_string_descriptor_ascii")]
        public static unsafe partial int GetStringDescriptorAscii(SafeLibUsbDeviceHandle handle, byte index, byte* data, int length);

        [LibraryImport(Library, EntryPoint = "libusb_error_name")]
        public static partial nint ErrorName(int error);

        public static string Describe(int error) => Marshal.PtrToStringUTF8(ErrorName(error)) ?? $"libusb error {error}";

        [StructLayout(LayoutKind.Sequential)]
        public struct DeviceDescriptor
        {
            public byte Length;
            public byte DescriptorType;
            public ushort BcdUsb;
            public byte DeviceClass;
            public byte DeviceSubClass;
            public byte DeviceProtocol;
            public byte MaxPacketSize0;
            public ushort VendorId;
            public ushort ProductId;
            public ushort BcdDevice;
            public byte Manufacturer;
            public byte Product;
            public byte SerialNumber;
            public byte NumConfigurations;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct ConfigDescriptor
        {
            public byte Length;
            public byte DescriptorType;
            public ushort TotalLength;
            public byte NumInterfaces;
            public byte ConfigurationValue;
            public byte Configuration;
            public byte Attributes;
            public byte MaxPower;
            public nint Interfaces;
            public nint Extra;
            public int ExtraLength;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct Interface
        {
            public nint AltSettings;
            public int NumAltSettings;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct InterfaceDescriptor
        {
            public byte Length;
            public byte DescriptorType;
            public byte InterfaceNumber;
            public byte AlternateSetting;
            public byte NumEndpoints;
            public byte InterfaceClass;
            public byte InterfaceSubClass;
            public byte InterfaceProtocol;
            public byte InterfaceString;
            public nint Endpoints;
            public nint Extra;
            public int ExtraLength;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct EndpointDescriptor
        {
            public byte Length;
            public byte DescriptorType;
            public byte EndpointAddress;
            public byte Attributes;
            public ushort MaxPacketSize;
            public byte Interval;
            public byte Refresh;
            public byte SynchAddress;
            public nint Extra;
            public int ExtraLength;
        }
    }
}

/// <summary>A libusb context, ended exactly once.</summary>
internal sealed class SafeLibUsbContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeLibUsbContextHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        Interop.LibUsb.Exit(handle);
        return true;
    }
}

/// <summary>An open libusb device, closed exactly once.</summary>
internal sealed class SafeLibUsbDeviceHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeLibUsbDeviceHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        Interop.LibUsb.Close(handle);
        return true;
    }
}
