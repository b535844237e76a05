using TspHost.Abstractions;
using TspHost.Plugins.SerialModem;

[assembly: TelephonyBackend(typeof(SerialModemBackend))]
