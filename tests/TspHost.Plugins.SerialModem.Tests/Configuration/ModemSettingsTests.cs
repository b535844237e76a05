using TspHost.Abstractions;
using TspHost.Plugins.SerialModem.Configuration;

namespace TspHost.Plugins.SerialModem.Tests.Configuration;

public sealed class ModemSettingsTests
{
    private static BackendSettings Settings(params (string Key, string Value)[] pairs) =>
        new(pairs.Select(p => KeyValuePair.Create(p.Key, p.Value)), "tsphost.json", "Plugins:SerialModem");

    [Fact]
    public void Read_SeveralModems_GivesOneEntryEachInNumericOrder()
    {
        var modems = ModemSettingsReader.Read(Settings(
            ("Modem10:Port", "tcp://modems.example:7001"),
            ("Modem2:Port", "/dev/ttyUSB0"),
            ("Modem2:Baud", "57600"),
            ("Modem2:InitCommands", "ATM0 | ATL1"),
            ("Modem2:DialPrefix", "T9W"),
            ("Modem2:Voice", "false"),
            ("Modem2:Name", "Fax line"),
            ("CommandTimeout", "1500"),
            ("Modem10:CommandTimeout", "4000")));

        Assert.Equal(["Modem2", "Modem10"], modems.Select(m => m.Id));
        var serial = modems[0];
        Assert.Equal("/dev/ttyUSB0", serial.Port);
        Assert.Equal(57600, serial.Baud);
        Assert.Equal(["ATM0", "ATL1"], serial.InitCommands);
        Assert.Equal("T9W", serial.DialPrefix);
        Assert.False(serial.Voice);
        Assert.Equal("Fax line", serial.Name);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), serial.CommandTimeout);
        Assert.False(serial.IsTcp);
        var tcp = modems[1];
        Assert.True(tcp.IsTcp);
        Assert.Equal(TimeSpan.FromMilliseconds(4000), tcp.CommandTimeout);
        Assert.True(tcp.Voice);
        Assert.Equal(115200, tcp.Baud);
    }

    [Theory]
    [InlineData("/dev/ttyUSB0")]
    [InlineData("/dev/tty.usbmodem1421")]
    [InlineData("COM3")]
    [InlineData("com12")]
    public void Read_SerialPortNames_OfEverySystem(string port) =>
        Assert.Equal(port, ModemSettingsReader.Read(Settings(("Modem1:Port", port))).Single().Port);

    [Fact]
    public void Read_NoModems_IsEmpty() => Assert.Empty(ModemSettingsReader.Read(BackendSettings.Empty));

    [Theory]
    [InlineData("Modem1:Baud", "12345", "Plugins:SerialModem:Modem1:Baud")]
    [InlineData("Modem1:Baud", "fast", "Plugins:SerialModem:Modem1:Baud")]
    [InlineData("Modem1:Port", "ttyUSB0", "Plugins:SerialModem:Modem1:Port")]
    [InlineData("Modem1:Port", "COM", "Plugins:SerialModem:Modem1:Port")]
    [InlineData("Modem1:Port", "COM0", "Plugins:SerialModem:Modem1:Port")]
    [InlineData("Modem1:Port", @"\\.\COM10", "Plugins:SerialModem:Modem1:Port")] // System.IO.Ports takes COM10 as it is
    [InlineData("Modem1:Port", "tcp://host", "Plugins:SerialModem:Modem1:Port")]
    [InlineData("Modem1:Port", "tcp://host:99999", "Plugins:SerialModem:Modem1:Port")]
    [InlineData("Modem1:Port", "", "Plugins:SerialModem:Modem1:Port")]
    [InlineData("Modem1:InitCommands", "M0", "Plugins:SerialModem:Modem1:InitCommands")]
    [InlineData("Modem1:DialPrefix", "9;", "Plugins:SerialModem:Modem1:DialPrefix")]
    [InlineData("Modem1:Voice", "maybe", "Plugins:SerialModem:Modem1:Voice")]
    [InlineData("Modem1:CommandTimeout", "-5", "Plugins:SerialModem:Modem1:CommandTimeout")]
    [InlineData("Modem1:Speed", "9600", "Plugins:SerialModem:Modem1:Speed")]
    [InlineData("Port", "/dev/ttyS0", "Plugins:SerialModem:Port")]
    public void Validate_BadValue_NamesTheKeyAndTheExpectedForm(string key, string value, string fullKey)
    {
        var pairs = new List<(string, string)> { ("Modem1:Port", "/dev/ttyS0") };
        pairs.RemoveAll(p => p.Item1 == key);
        pairs.Add((key, value));
        var error = Assert.Throws<BackendConfigurationException>(() => new SerialModemBackend().ValidateSettings(Settings([.. pairs])));
        Assert.Equal(fullKey, error.Key);
        Assert.Equal("tsphost.json", error.SettingsSource);
        Assert.False(string.IsNullOrWhiteSpace(error.ExpectedForm));
    }

    [Fact]
    public void Validate_ModemWithoutPort_SaysPortIsMissing()
    {
        var error = Assert.Throws<BackendConfigurationException>(() => new SerialModemBackend().ValidateSettings(Settings(("Modem1:Baud", "9600"))));
        Assert.Equal("Plugins:SerialModem:Modem1:Port", error.Key);
        Assert.Null(error.ActualValue);
    }

    [Fact]
    public void Validate_TwoModemsOnOnePort_IsRefused()
    {
        var error = Assert.Throws<BackendConfigurationException>(() => new SerialModemBackend().ValidateSettings(
            Settings(("Modem1:Port", "/dev/ttyS0"), ("Modem2:Port", "/dev/ttyS0"))));
        Assert.Equal("Plugins:SerialModem:Modem2:Port", error.Key);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:7000", "127.0.0.1", 7000)]
    [InlineData("TCP://ser2net.lan:2001", "ser2net.lan", 2001)]
    [InlineData("tcp://[::1]:23", "::1", 23)]
    public void ParseTcp_HostAndPort(string value, string host, int port) =>
        Assert.Equal((host, port), ModemSettingsReader.ParseTcp(value));
}
