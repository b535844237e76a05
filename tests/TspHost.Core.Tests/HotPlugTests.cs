using TspHost.Abstractions;
using TspHost.Core.Tapi;
using TspHost.Core.Tests.Fakes;
using TspHost.Core.Versions;

namespace TspHost.Core.Tests;

/// <summary>Devices that appear or vanish during a session are announced, never renumbered.</summary>
public sealed class HotPlugTests
{
    [Fact]
    public async Task ArrivingLine_IsAnnouncedWithLineCreate_AndUsableOnceTapiGivesItAnId()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var plugged = new FakeLine(h.Backend, "line-usb");

        h.Session.Events.LineArrived(plugged);

        await h.Tapi.WaitForAsync(r => r is LineEventRecord { Message: LineMessage.Create }, "LINE_CREATE");
        var create = h.Tapi.Records.OfType<LineEventRecord>().Single(e => e.Message == LineMessage.Create);
        Assert.Equal(LineErr.BadDeviceId, h.Engine.ProviderCreateLineDevice((uint)create.P2 + 100, 40));
        Assert.Equal(LineErr.BadDeviceId, h.Engine.ProviderCreateLineDevice((uint)create.P2, EngineHarness.LineBase)); // taken
        Assert.Equal(0, h.Engine.ProviderCreateLineDevice((uint)create.P2, 40));
        Assert.Equal(0, h.Engine.LineGetDevCaps(40, TspiVersion.V3_0, 0, out var caps));
        Assert.Equal(3, h.Engine.Session!.LineCount);
        Assert.Equal(0, (await h.Engine.LineOpenAsync(40, 0x77, TspiVersion.V3_0)).Result);
        Assert.Equal(1, plugged.Opens);
        Assert.Equal(0, h.Engine.LineGetDevCaps(EngineHarness.LineBase + 1, TspiVersion.V3_0, 0, out _)); // the others keep their IDs
        Assert.NotEqual(0u, caps!.PermanentLineId);
    }

    [Fact]
    public async Task DepartingOpenLine_GetsLineCloseThenLineRemove_ItsCallsEndAndRequestsFail()
    {
        var gate = new TaskCompletionSource<IBackendCall>();
        var backend = new FakeBackend();
        await using var h = new EngineHarness(backend);
        await h.StartAsync();
        var (hdLine, htLine) = await h.OpenLineAsync(0);
        var (hdCall, _) = await h.ConnectedCallAsync(hdLine);
        backend.OnMakeCall = (_, _, _) => new ValueTask<IBackendCall>(gate.Task);
        var (pending, _, _) = h.MakeCall(hdLine);

        h.Session.Events.LineDeparted(h.Session.Lines[0]);

        await h.Tapi.WaitForAsync(r => r is LineEventRecord { Message: LineMessage.Remove }, "LINE_REMOVE");
        var records = h.Tapi.Records.ToList();
        var close = records.FindIndex(r => r is LineEventRecord { Message: LineMessage.Close } e && e.HtLine == htLine);
        var remove = records.FindIndex(r => r is LineEventRecord { Message: LineMessage.Remove } e && e.P1 == EngineHarness.LineBase);
        Assert.InRange(close, 0, remove - 1);
        Assert.Equal(LineErr.OperationFailed, Assert.Single(h.Tapi.CompletionsOf(pending)).Result);
        Assert.Equal(LineErr.InvalCallHandle, h.Engine.LineGetCallStatus(hdCall, out _));
        Assert.Equal(0, await h.Engine.LineCloseAsync(hdLine)); // TAPI closes it in answer to LINE_CLOSE
        Assert.Equal(LineErr.BadDeviceId, h.Engine.LineGetDevCaps(EngineHarness.LineBase, TspiVersion.V3_0, 0, out _));
        Assert.Equal(0, h.Engine.LineGetDevCaps(EngineHarness.LineBase + 1, TspiVersion.V3_0, 0, out _)); // not renumbered
        Assert.Equal(1, h.Engine.Session!.LineCount);
    }

    [Fact]
    public async Task DepartingPhone_GetsPhoneRemove_AndItsIdIsNotReused()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdPhone, htPhone) = await h.OpenPhoneAsync();

        h.Session.Events.PhoneDeparted(h.Session.Phones[0]);

        await h.Tapi.WaitForAsync(r => r is PhoneEventRecord { Message: PhoneMessage.Remove } e && e.P1 == EngineHarness.PhoneBase, "PHONE_REMOVE");
        Assert.Contains(h.Tapi.Records, r => r is PhoneEventRecord { Message: PhoneMessage.Close } e && e.HtPhone == htPhone);
        Assert.Equal(PhoneErr.BadDeviceId, (await h.Engine.PhoneOpenAsync(EngineHarness.PhoneBase, 0x1, TspiVersion.V3_0)).Result);
        Assert.Equal(0, await h.Engine.PhoneCloseAsync(hdPhone));
    }

    [Fact]
    public async Task DevicesBeyondTheCountTapiGaveAtInit_AreAnnouncedRatherThanNumbered()
    {
        await using var h = new EngineHarness();
        await h.InstallAsync();
        var (_, lines, phones) = await h.Engine.ProviderEnumDevicesAsync(EngineHarness.ProviderId);
        Assert.Equal(2u, lines);

        await h.Engine.ProviderInitAsync(TspiVersion.V3_0, EngineHarness.ProviderId, EngineHarness.LineBase, EngineHarness.PhoneBase, 1, phones, h.Tapi);

        await h.Tapi.WaitForAsync(r => r is LineEventRecord { Message: LineMessage.Create }, "LINE_CREATE for the second line");
        Assert.Equal(0, h.Engine.LineGetDevCaps(EngineHarness.LineBase, TspiVersion.V3_0, 0, out _));
        Assert.Equal(LineErr.BadDeviceId, h.Engine.LineGetDevCaps(EngineHarness.LineBase + 1, TspiVersion.V3_0, 0, out _));
    }
}
