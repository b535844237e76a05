using System.Runtime.InteropServices;
using TspHost.Abstractions;
using TspHost.Fixtures;

[assembly: TelephonyBackend(typeof(HostileBackend))]

namespace TspHost.Fixtures;

/// <summary>The ways <see cref="HostileBackend"/> misbehaves (its <c>Fault</c> setting).</summary>
public enum HostileFault
{
    /// <summary>Behaves: calls connect and drop.</summary>
    None,
    /// <summary>Every device operation throws (open, make call, set ring).</summary>
    Throws,
    /// <summary>A call never completes, whatever the cancellation token says.</summary>
    Hangs,
    /// <summary>Every call blocks the thread it runs on, for good.</summary>
    Blocks,
    /// <summary>A call ends the process with <see cref="Environment.FailFast(string)"/>.</summary>
    FailFast,
    /// <summary>A call reads through a bad pointer in native code (libc): a segmentation fault.</summary>
    Segfault,
    /// <summary>A call starts a thread of the plugin's own that throws.</summary>
    ThreadThrows,
    /// <summary>A call allocates without end.</summary>
    Allocates,
    /// <summary>The line's Capabilities getter throws.</summary>
    CapabilitiesThrow,
    /// <summary>The line's Capabilities getter never returns.</summary>
    CapabilitiesHang,
    /// <summary>ValidateSettings throws an InvalidOperationException.</summary>
    ValidateThrows,
    /// <summary>A call ends the process (FailFast); once that happened (the marker file exists), so does every session start.</summary>
    CrashLoop,
}

/// <summary>
/// One line (<c>line-1</c>) and one phone (<c>phone-1</c>) that misbehave as <c>Fault</c> says, on a
/// lineMakeCall or a phoneSetRing. With <c>MarkerFile</c> set, the fault happens once: the plugin
/// creates the file just before it misbehaves and behaves while the file exists, so a worker started
/// after the fault works (the fault "stops after a restart").
/// </summary>
public sealed class HostileBackend : ITelephonyBackend
{
    private static readonly List<byte[]> s_hoard = [];

    public string Name => "Hostile";

    public void ValidateSettings(BackendSettings settings)
    {
        if (Fault(settings) == HostileFault.ValidateThrows)
        {
            throw new InvalidOperationException("the hostile plugin's ValidateSettings throws on purpose");
        }
    }

    // The hooks behave: a failing hook is the ThrowingInstall fixture's case; here the devices must reach the session.
    public ValueTask InstallAsync(BackendHookContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask ConfigureAsync(BackendHookContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask RemoveAsync(BackendHookContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<IBackendSession> StartSessionAsync(BackendSessionContext context, CancellationToken cancellationToken)
    {
        var marker = context.Settings.GetString("MarkerFile", "");
        if (Enum.Parse<HostileFault>(context.Settings.GetString("Fault", nameof(HostileFault.None)), ignoreCase: true) == HostileFault.CrashLoop
            && marker.Length > 0 && File.Exists(marker))
        {
            Environment.FailFast("the hostile plugin fails at every session start after its first crash, on purpose");
        }

        return ValueTask.FromResult<IBackendSession>(new Session(context.Settings));
    }

    internal static HostileFault Fault(BackendSettings settings)
    {
        var fault = Enum.Parse<HostileFault>(settings.GetString("Fault", nameof(HostileFault.None)), ignoreCase: true);
        var marker = settings.GetString("MarkerFile", "");
        return marker.Length > 0 && File.Exists(marker) ? HostileFault.None : fault == HostileFault.CrashLoop ? HostileFault.FailFast : fault;
    }

    /// <summary>Misbehaves now if the fault is one of <paramref name="faults"/> (creating the marker file first).</summary>
    internal static async ValueTask MisbehaveAsync(BackendSettings settings, params HostileFault[] faults)
    {
        var fault = Fault(settings);
        if (!faults.Contains(fault))
        {
            return;
        }

        if (settings.GetString("MarkerFile", "") is { Length: > 0 } marker)
        {
            File.WriteAllText(marker, fault.ToString());
        }

        switch (fault)
        {
            case HostileFault.Throws:
                throw new InvalidOperationException("the hostile plugin throws on purpose");
            case HostileFault.Hangs:
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
                break;
            case HostileFault.Blocks:
                Thread.Sleep(Timeout.Infinite);
                break;
            case HostileFault.FailFast:
                Environment.FailFast("the hostile plugin fails fast on purpose");
                break;
            case HostileFault.Segfault:
                Native.strlen(1); // address 1: never mapped
                break;
            case HostileFault.ThreadThrows:
                new Thread(() => throw new InvalidOperationException("the hostile plugin's own thread throws on purpose")) { IsBackground = true }.Start();
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
                break;
            case HostileFault.Allocates:
                while (true)
                {
                    var chunk = new byte[1 << 20];
                    Array.Fill(chunk, (byte)1); // touched, so it is resident
                    s_hoard.Add(chunk);
                }
        }
    }

    private static partial class Native
    {
        [DllImport("libc", EntryPoint = "strlen")]
        public static extern nint strlen(nint text);
    }

    private sealed class Session(BackendSettings settings) : IBackendSession
    {
        public IReadOnlyList<ILineDevice> Lines { get; } = [new Line(settings)];

        public IReadOnlyList<IPhoneDevice> Phones { get; } = [new Phone(settings)];

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Line(BackendSettings settings) : ILineDevice
    {
        public string Key => "line-1";

        public LineCapabilities Capabilities
        {
            get
            {
                switch (Fault(settings))
                {
                    case HostileFault.CapabilitiesThrow:
                        throw new InvalidOperationException("the hostile plugin's Capabilities getter throws on purpose");
                    case HostileFault.CapabilitiesHang:
                        Thread.Sleep(Timeout.Infinite);
                        break;
                }

                return new LineCapabilities { Name = "Hostile line", Features = LineFeatures.MakeCall | LineFeatures.Drop, MaxActiveCalls = 1000 };
            }
        }

        public async ValueTask OpenAsync(ILineEvents events, CancellationToken cancellationToken) => await MisbehaveAsync(settings, HostileFault.Throws);

        public ValueTask CloseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public async ValueTask<IBackendCall> MakeCallAsync(MakeCallRequest request, ICallEvents events, CancellationToken cancellationToken)
        {
            await MisbehaveAsync(settings, HostileFault.Throws, HostileFault.Hangs, HostileFault.Blocks, HostileFault.FailFast, HostileFault.Segfault,
                HostileFault.ThreadThrows, HostileFault.Allocates);
            events.StateChanged(CallState.Dialing);
            events.StateChanged(CallState.Connected);
            return new Call(events);
        }

        public ValueTask<ConferenceSetup> SetupConferenceAsync(IBackendCall? initialCall, ICallEvents conferenceEvents, ICallEvents consultationEvents, int parties,
            CancellationToken cancellationToken) => ValueTask.FromException<ConferenceSetup>(new TelephonyException(TelephonyError.OperationUnavailable, "no conferences"));
    }

    private sealed class Call(ICallEvents events) : IBackendCall
    {
        public string Id => "hostile-call";

        public ValueTask AnswerAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DialAsync(string digits, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DropAsync(CancellationToken cancellationToken)
        {
            events.StateChanged(CallState.Idle);
            return ValueTask.CompletedTask;
        }

        public ValueTask HoldAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask UnholdAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<IBackendCall> SetupTransferAsync(ICallEvents consultationEvents, CancellationToken cancellationToken) =>
            ValueTask.FromException<IBackendCall>(new TelephonyException(TelephonyError.OperationUnavailable, "no transfers"));

        public ValueTask<IBackendCall?> CompleteTransferAsync(IBackendCall consultation, TransferMode mode, ICallEvents? conferenceEvents, CancellationToken cancellationToken) =>
            ValueTask.FromException<IBackendCall?>(new TelephonyException(TelephonyError.OperationUnavailable, "no transfers"));

        public ValueTask ReleaseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class Phone(BackendSettings settings) : IPhoneDevice
    {
        public string Key => "phone-1";

        public PhoneCapabilities Capabilities { get; } = new() { Name = "Hostile phone", Features = PhoneFeatures.SetRing, RingModes = 1 };

        public ValueTask OpenAsync(IPhoneEvents events, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CloseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask SetHookSwitchAsync(HookSwitchDevices devices, HookSwitchMode mode, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public async ValueTask SetRingAsync(int ringMode, int volume, CancellationToken cancellationToken) =>
            await MisbehaveAsync(settings, HostileFault.Throws, HostileFault.Hangs, HostileFault.Blocks);

        public ValueTask SetLampAsync(int lampId, LampMode mode, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
