using TspHost.Abstractions;
using TspHost.Plugins.UsbHandset;

[assembly: TelephonyBackend(typeof(UsbHandsetBackend))]
