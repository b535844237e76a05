using TspHost.Abstractions;

namespace TspHost.Conformance;

// Devices, their keys and capabilities, open and close (R1, R7).
public abstract partial class BackendConformanceTests
{
    /// <summary>Devices have unique, non-empty keys, and the session has what the backend promises.</summary>
    [Fact]
    public async Task StartSession_ReportsDevicesWithUniqueNonEmptyKeys()
    {
        var session = await StartSessionAsync();
        AssertKeys(session.Lines.Select(l => l.Key), "line");
        AssertKeys(session.Phones.Select(p => p.Key), "phone");
        if (ExpectsLines)
        {
            Assert.NotEmpty(session.Lines);
        }

        if (ExpectsPhones)
        {
            Assert.NotEmpty(session.Phones);
        }
    }

    /// <summary>R1: keys are stable: a second session reports the same devices in the same order.</summary>
    [Fact]
    public async Task StartSession_Again_ReportsTheSameKeysInTheSameOrder()
    {
        var first = await StartSessionAsync();
        var lines = first.Lines.Select(l => l.Key).ToList();
        var phones = first.Phones.Select(p => p.Key).ToList();
        await first.DisposeAsync();

        var second = await StartSessionAsync();
        Assert.Equal(lines, second.Lines.Select(l => l.Key));
        Assert.Equal(phones, second.Phones.Select(p => p.Key));
    }

    /// <summary>Capabilities are consistent: names, version ranges, counts that match the features.</summary>
    [Fact]
    public async Task Capabilities_AreConsistent()
    {
        var session = await StartSessionAsync();
        foreach (var line in session.Lines)
        {
            var caps = line.Capabilities;
            Assert.NotNull(caps);
            AssertNamedAndVersioned(line.Key, caps.Name, caps.InterfaceVersions, caps.ExtensionVersions);
            Assert.True(caps.MaxActiveCalls >= 1, $"{line.Key}: MaxActiveCalls is {caps.MaxActiveCalls}.");
            Assert.True(caps.MediaModes != MediaModes.None, $"{line.Key}: no media modes.");
            if ((caps.Features & (LineFeatures.MakeCall | LineFeatures.Answer)) != 0)
            {
                Assert.True(caps.Features.HasFlag(LineFeatures.Drop), $"{line.Key}: calls can be made or answered but not dropped.");
            }
        }

        foreach (var phone in session.Phones)
        {
            var caps = phone.Capabilities;
            Assert.NotNull(caps);
            AssertNamedAndVersioned(phone.Key, caps.Name, caps.InterfaceVersions, caps.ExtensionVersions);
            Assert.True(caps.RingModes >= 0 && caps.LampCount >= 0 && caps.ButtonCount >= 0, $"{phone.Key}: negative counts.");
            Assert.True(!caps.Features.HasFlag(PhoneFeatures.SetRing) || caps.RingModes > 0, $"{phone.Key}: SetRing without ring modes.");
            Assert.True(!caps.Features.HasFlag(PhoneFeatures.SetLamp) || caps.LampCount > 0, $"{phone.Key}: SetLamp without lamps.");
            Assert.True(
                !caps.Features.HasFlag(PhoneFeatures.SetHookSwitch) || (caps.HookSwitchDevices != HookSwitchDevices.None && caps.SettableHookSwitchModes != HookSwitchMode.None),
                $"{phone.Key}: SetHookSwitch without hook switch devices or settable modes.");
            Assert.True(caps.AssociatedLineKey is null || caps.AssociatedLineKey.Length > 0, $"{phone.Key}: AssociatedLineKey is empty rather than null.");
        }
    }

    /// <summary>R7: every line and phone opens, closes and opens again.</summary>
    [Fact]
    public async Task Devices_OpenCloseOpenClose_Work()
    {
        var session = await StartSessionAsync();
        foreach (var line in session.Lines)
        {
            for (var round = 0; round < 2; round++)
            {
                await WithinAsync(line.OpenAsync(new RecordingLineEvents(), TestToken), $"{line.Key} OpenAsync");
                await WithinAsync(line.CloseAsync(TestToken), $"{line.Key} CloseAsync");
            }
        }

        foreach (var phone in session.Phones)
        {
            for (var round = 0; round < 2; round++)
            {
                await WithinAsync(phone.OpenAsync(new RecordingPhoneEvents(), TestToken), $"{phone.Key} OpenAsync");
                await WithinAsync(phone.CloseAsync(TestToken), $"{phone.Key} CloseAsync");
            }
        }
    }

    /// <summary>
    /// What a phone advertises works; what it does not advertise fails with a <see cref="TelephonyException"/>
    /// (preferably OperationUnavailable) or does nothing harmful, and never with another exception.
    /// </summary>
    [Fact]
    public async Task PhoneOperations_AdvertisedSucceed_UnadvertisedFailAsTelephonyErrors()
    {
        var session = await StartSessionAsync();
        Assert.SkipWhen(session.Phones.Count == 0, "The backend has no phones.");
        foreach (var phone in session.Phones)
        {
            var caps = phone.Capabilities;
            await WithinAsync(phone.OpenAsync(new RecordingPhoneEvents(), TestToken), $"{phone.Key} OpenAsync");
            var device = LowestFlag((int)caps.HookSwitchDevices, (int)HookSwitchDevices.Handset);
            var mode = LowestFlag((int)caps.SettableHookSwitchModes, (int)HookSwitchMode.OnHook);
            await CheckPhoneOperationAsync(phone, PhoneFeatures.SetHookSwitch, "SetHookSwitchAsync", () => phone.SetHookSwitchAsync((HookSwitchDevices)device, (HookSwitchMode)mode, TestToken));
            await CheckPhoneOperationAsync(phone, PhoneFeatures.SetRing, "SetRingAsync", () => phone.SetRingAsync(0, 0, TestToken));
            await CheckPhoneOperationAsync(phone, PhoneFeatures.SetLamp, "SetLampAsync", () => phone.SetLampAsync(0, LampMode.Off, TestToken));
            await WithinAsync(phone.CloseAsync(TestToken), $"{phone.Key} CloseAsync");
        }
    }

    /// <summary>A closed phone raises no events, even when something happens at it.</summary>
    [Fact]
    public async Task Phone_AfterClose_RaisesNoEvents()
    {
        var session = await StartSessionAsync();
        Assert.SkipWhen(session.Phones.Count == 0, "The backend has no phones.");
        Assert.SkipUnless(CanTriggerPhoneEvent, "The backend cannot trigger phone events in a test.");
        var phone = session.Phones[0];
        var events = new RecordingPhoneEvents();
        await WithinAsync(phone.OpenAsync(events, TestToken), "OpenAsync");
        await TriggerPhoneEventAsync(session, phone);
        await WaitUntilAsync(() => events.Count > 0, "the phone to report the triggered event");

        await WithinAsync(phone.CloseAsync(TestToken), "CloseAsync");
        var seen = events.Count;
        await TriggerPhoneEventAsync(session, phone);
        await LetTimePassAsync();
        Assert.Equal(seen, events.Count);
    }

    private async Task CheckPhoneOperationAsync(IPhoneDevice phone, PhoneFeatures feature, string what, Func<ValueTask> operation)
    {
        var advertised = phone.Capabilities.Features.HasFlag(feature);
        try
        {
            await WithinAsync(operation(), $"{phone.Key} {what}");
        }
        catch (TelephonyException ex) when (!advertised)
        {
            Assert.True(ex.Error is TelephonyError.OperationUnavailable or TelephonyError.InvalidParameter, $"{phone.Key} {what} (not advertised) failed with {ex.Error}, expected OperationUnavailable.");
        }
        catch (TelephonyException ex)
        {
            Assert.Fail($"{phone.Key} advertises {feature}, but {what} failed with {ex.Error}: {ex.Message}");
        }
    }

    private static int LowestFlag(int flags, int fallback) => flags == 0 ? fallback : flags & -flags;

    private static void AssertKeys(IEnumerable<string> keys, string kind)
    {
        var list = keys.ToList();
        Assert.All(list, k => Assert.False(string.IsNullOrWhiteSpace(k), $"A {kind} has an empty key."));
        Assert.True(list.Distinct(StringComparer.OrdinalIgnoreCase).Count() == list.Count, $"{kind} keys are not unique: {string.Join(", ", list)}");
    }

    private static void AssertNamedAndVersioned(string key, string? name, VersionRange? interfaceVersions, VersionRange? extensionVersions)
    {
        Assert.False(string.IsNullOrWhiteSpace(name), $"{key}: Name is empty.");
        Assert.NotNull(interfaceVersions);
        Assert.True(interfaceVersions.Lowest <= interfaceVersions.Highest, $"{key}: interface versions {interfaceVersions} run backwards.");
        Assert.True(extensionVersions is null || extensionVersions.Lowest <= extensionVersions.Highest, $"{key}: extension versions {extensionVersions} run backwards.");
    }
}
