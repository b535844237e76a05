using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TspHost.Protocol;

namespace TspHost.Shim;

/// <summary>
/// The TSPI functions TAPI calls, with tspi.h's signatures (DWORD = uint, handles and DWORD_PTR
/// pointer-sized, strings UTF-16). Each forwards to the host and returns its answer; without a host
/// it fails fast (LINEERR_NODRIVER for the provider functions, OPERATIONFAILED otherwise). No
/// exception ever crosses back into TAPI.
/// </summary>
internal static unsafe partial class Exports
{
    private const int LineErrNoDriver = unchecked((int)0x80000043);
    private const int LineErrOperationFailed = TapiCallbacks.LineErrOperationFailed;
    private const int PhoneErrOperationFailed = TapiCallbacks.PhoneErrOperationFailed;
    private const int LineErrStructureTooSmall = unchecked((int)0x8000004D);
    private const int PhoneErrStructureTooSmall = unchecked((int)0x90000021);
    private const int LineErrInvalPointer = unchecked((int)0x80000035);
    private const int PhoneErrInvalPointer = unchecked((int)0x90000015);
    private const uint LineTspiOptionNonReentrant = 0x1;

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerEnumDevices")]
    public static int ProviderEnumDevices(uint dwPermanentProviderID, uint* lpdwNumLines, uint* lpdwNumPhones, nint hProvider, nint lpfnLineCreateProc, nint lpfnPhoneCreateProc) => Guard(LineErrNoDriver, () =>
    {
        HostLink.ProviderId = dwPermanentProviderID;
        TapiCallbacks.ProviderEnumerated(lpfnLineCreateProc, lpfnPhoneCreateProc);
        if (HostLink.Call(FrameType.ProviderEnumDevices, w => w.U32(dwPermanentProviderID).Handle(hProvider)) is not { } reply)
        {
            return LineErrNoDriver;
        }

        var r = reply.Reader();
        var result = r.I32();
        Store(lpdwNumLines, r.U32());
        Store(lpdwNumPhones, r.U32());
        return result;
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerInit")]
    public static int ProviderInit(uint dwTSPIVersion, uint dwPermanentProviderID, uint dwLineDeviceIDBase, uint dwPhoneDeviceIDBase,
        nuint dwNumLines, nuint dwNumPhones, nint lpfnCompletionProc, uint* lpdwTSPIOptions) => Guard(LineErrNoDriver, () =>
    {
        HostLink.ProviderId = dwPermanentProviderID;
        TapiCallbacks.SessionStarted(dwTSPIVersion, lpfnCompletionProc);
        var reply = HostLink.Call(FrameType.ProviderInit,
            w => w.U32(dwTSPIVersion).U32(dwPermanentProviderID).U32(dwLineDeviceIDBase).U32(dwPhoneDeviceIDBase).U32((uint)dwNumLines).U32((uint)dwNumPhones));
        if (reply is null)
        {
            return LineErrNoDriver;
        }

        var r = reply.Reader();
        var result = r.I32();
        ShimLog.Message(r.String() ?? "");
        Store(lpdwTSPIOptions, r.U32() & ~LineTspiOptionNonReentrant); // the host serves any number of threads at once (R3)
        return result;
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerShutdown")]
    public static int ProviderShutdown(uint dwTSPIVersion, uint dwPermanentProviderID) => Guard(0, () =>
        // Always succeeds: without a host there is no session left to end.
        HostLink.Call(FrameType.ProviderShutdown, w => w.U32(dwTSPIVersion).U32(dwPermanentProviderID), deliverEarlierPushes: true)?.Reader().I32() ?? 0);

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerInstall")]
    public static int ProviderInstall(nint hwndOwner, uint dwPermanentProviderID) => Guard(LineErrNoDriver, () =>
    {
        HostLink.ProviderId = dwPermanentProviderID;
        return Lifecycle(HostLink.Call(FrameType.ProviderInstall, w => w.U32(dwPermanentProviderID)));
    });

    /// <summary>
    /// providerConfig. On Windows a provider shows a dialog here; the shim applies the change named by
    /// <c>TSPHOST_PROVIDER_CONFIG</c> (<c>Plugin:Key=Value;Key=Value</c>) instead, or re-applies the
    /// configuration unchanged (which still asks clients to re-initialise during a session).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerConfig")]
    public static int ProviderConfig(nint hwndOwner, uint dwPermanentProviderID) => Guard(LineErrNoDriver, () =>
    {
        var change = Environment.GetEnvironmentVariable("TSPHOST_PROVIDER_CONFIG") ?? "Simulated:";
        var colon = change.IndexOf(':', StringComparison.Ordinal);
        var plugin = colon < 0 ? change : change[..colon];
        var changes = colon < 0 ? "" : change[(colon + 1)..];
        return Lifecycle(HostLink.Call(FrameType.ProviderConfig, w => w.U32(dwPermanentProviderID).String(plugin).String(changes)));
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerRemove")]
    public static int ProviderRemove(nint hwndOwner, uint dwPermanentProviderID) => Guard(LineErrNoDriver, () =>
        Lifecycle(HostLink.Call(FrameType.ProviderRemove, w => w.U32(dwPermanentProviderID))));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerCreateLineDevice")]
    public static int ProviderCreateLineDevice(nuint dwTempID, uint dwDeviceID) => Guard(LineErrOperationFailed, () =>
        Result(HostLink.Call(FrameType.ProviderCreateLineDevice, w => w.U32((uint)dwTempID).U32(dwDeviceID)), LineErrOperationFailed));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerCreatePhoneDevice")]
    public static int ProviderCreatePhoneDevice(nuint dwTempID, uint dwDeviceID) => Guard(PhoneErrOperationFailed, () =>
        Result(HostLink.Call(FrameType.ProviderCreatePhoneDevice, w => w.U32((uint)dwTempID).U32(dwDeviceID)), PhoneErrOperationFailed));

    /// <summary>
    /// Not TSPI: copies the last message from the host or the shim (why an install or init was
    /// refused, for example) as UTF-16 into <paramref name="buffer"/>; returns its length in characters.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "TspHostShim_LastMessage")]
    public static uint LastMessage(char* buffer, uint capacity)
    {
        var text = ShimLog.LastMessage;
        if (buffer is not null && capacity > 0)
        {
            var count = Math.Min(text.Length, (int)capacity - 1);
            text.AsSpan(0, count).CopyTo(new Span<char>(buffer, count));
            buffer[count] = '\0';
        }

        return (uint)text.Length;
    }

    private static int Lifecycle(Frame? reply)
    {
        if (reply is null)
        {
            return LineErrNoDriver;
        }

        var r = reply.Reader();
        var result = r.I32();
        ShimLog.Message(r.String() ?? "");
        return result;
    }

    private static int Result(Frame? reply, int noHost) => reply?.Reader().I32() ?? noHost;

    /// <summary>A reply of a result and one DWORD (a negotiated version, hook switch state...).</summary>
    private static int ResultAndValue(Frame? reply, uint* value, int noHost)
    {
        if (reply is null)
        {
            return noHost;
        }

        var r = reply.Reader();
        var result = r.I32();
        Store(value, r.U32());
        return result;
    }

    /// <summary>lineOpen / phoneOpen: the reply carries the provider's handle; events then go to <paramref name="eventProc"/>.</summary>
    private static int Open(bool phone, Frame? reply, nint htDevice, nint* hdDevice, nint eventProc, int noHost)
    {
        if (reply is null)
        {
            return noHost;
        }

        var r = reply.Reader();
        var result = r.I32();
        var handle = r.Handle();
        if (result == 0)
        {
            TapiCallbacks.Opened(phone, handle, htDevice, eventProc);
            Store(hdDevice, handle);
        }

        return result;
    }

    /// <summary>lineClose / phoneClose: succeeds without a host, and needs none for a device opened on a host that has gone.</summary>
    private static int Close(nint hdDevice, FrameType type)
    {
        if (TapiCallbacks.ForgetStale(hdDevice))
        {
            return 0;
        }

        var result = Result(HostLink.Call(type, w => w.Handle(hdDevice), deliverEarlierPushes: true), 0);
        TapiCallbacks.Closed(hdDevice);
        return result;
    }

    private delegate void FillStructure(ref FrameReader reply, ref VarStructWriter writer);

    /// <summary>
    /// A getter that fills one of TAPI's variable-size structures: checks the fixed part fits
    /// (STRUCTURETOOSMALL otherwise), asks the host, and on success lets <paramref name="fill"/> read the reply into it.
    /// </summary>
    private static int Fill(void* structure, int fixedSize, int tooSmall, int noHost, FrameType type, Func<FrameWriter, FrameWriter> build, FillStructure fill)
    {
        if (structure is null)
        {
            return noHost == PhoneErrOperationFailed ? PhoneErrInvalPointer : LineErrInvalPointer;
        }

        if (!VarStructWriter.TryBegin(structure, fixedSize, out var writer))
        {
            return tooSmall;
        }

        if (HostLink.Call(type, build) is not { } reply)
        {
            return noHost;
        }

        var r = reply.Reader();
        var result = r.I32();
        if (result == 0)
        {
            fill(ref r, ref writer);
            writer.Finish();
        }

        return result;
    }

    /// <summary>Accepts an asynchronous request when the host returned its ID; TAPI then waits for its completion.</summary>
    private static int Async(uint requestId, int result, bool phone)
    {
        if (result > 0)
        {
            TapiCallbacks.Accepted(requestId, phone, HostLink.LastLink);
        }

        return result;
    }

    private static void Store(uint* target, uint value)
    {
        if (target is not null)
        {
            *target = value;
        }
    }

    private static void Store(nint* target, nint value)
    {
        if (target is not null)
        {
            *target = value;
        }
    }

    private static string? Text(char* value) => value is null ? null : new string(value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Guard(int failure, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (FrameTooLargeException e)
        {
            ShimLog.Message($"Refused without asking the host: {e.Message}");
            return failure;
        }
        catch (Exception e)
        {
            ShimLog.Message($"Internal failure: {e.Message}");
            return failure;
        }
    }
}
