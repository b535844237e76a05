using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

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
        if (!HostLink.Call(new ProviderEnumDevicesRequest { PermanentProviderId = dwPermanentProviderID, HProvider = hProvider }, out ProviderEnumDevicesReply reply))
        {
            return LineErrNoDriver;
        }

        Store(lpdwNumLines, reply.NumLines);
        Store(lpdwNumPhones, reply.NumPhones);
        return reply.Result;
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerInit")]
    public static int ProviderInit(uint dwTSPIVersion, uint dwPermanentProviderID, uint dwLineDeviceIDBase, uint dwPhoneDeviceIDBase,
        nuint dwNumLines, nuint dwNumPhones, nint lpfnCompletionProc, uint* lpdwTSPIOptions) => Guard(LineErrNoDriver, () =>
    {
        HostLink.ProviderId = dwPermanentProviderID;
        TapiCallbacks.SessionStarted(dwTSPIVersion, lpfnCompletionProc);
        var request = new ProviderInitRequest
        {
            TspiVersion = dwTSPIVersion,
            PermanentProviderId = dwPermanentProviderID,
            LineDeviceIdBase = dwLineDeviceIDBase,
            PhoneDeviceIdBase = dwPhoneDeviceIDBase,
            NumLines = (uint)dwNumLines,
            NumPhones = (uint)dwNumPhones,
        };
        if (!HostLink.Call(request, out ProviderInitReply reply))
        {
            return LineErrNoDriver;
        }

        ShimLog.Message(reply.Message ?? "");
        Store(lpdwTSPIOptions, reply.TspiOptions & ~LineTspiOptionNonReentrant); // the host serves any number of threads at once (R3)
        return reply.Result;
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerShutdown")]
    public static int ProviderShutdown(uint dwTSPIVersion, uint dwPermanentProviderID) => Guard(0, () =>
        // Always succeeds: without a host there is no session left to end. With one, the answer is
        // awaited past the usual reply timeout: TAPI must not hear the session ended before it has.
        HostLink.Call(new ProviderShutdownRequest { TspiVersion = dwTSPIVersion, PermanentProviderId = dwPermanentProviderID }, out ResultReply reply,
            deliverEarlierPushes: true, replyTimeout: HostLink.ShutdownReplyTimeout) ? reply.Result : 0);

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerInstall")]
    public static int ProviderInstall(nint hwndOwner, uint dwPermanentProviderID) => Guard(LineErrNoDriver, () =>
    {
        HostLink.ProviderId = dwPermanentProviderID;
        return Lifecycle(new ProviderInstallRequest { PermanentProviderId = dwPermanentProviderID });
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
        return Lifecycle(new ProviderConfigRequest { PermanentProviderId = dwPermanentProviderID, Plugin = plugin, Changes = changes });
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerRemove")]
    public static int ProviderRemove(nint hwndOwner, uint dwPermanentProviderID) => Guard(LineErrNoDriver, () =>
        Lifecycle(new ProviderRemoveRequest { PermanentProviderId = dwPermanentProviderID }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerCreateLineDevice")]
    public static int ProviderCreateLineDevice(nuint dwTempID, uint dwDeviceID) => Guard(LineErrOperationFailed, () =>
        Result(new ProviderCreateLineDeviceRequest { TempId = (uint)dwTempID, DeviceId = dwDeviceID }, LineErrOperationFailed));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_providerCreatePhoneDevice")]
    public static int ProviderCreatePhoneDevice(nuint dwTempID, uint dwDeviceID) => Guard(PhoneErrOperationFailed, () =>
        Result(new ProviderCreatePhoneDeviceRequest { TempId = (uint)dwTempID, DeviceId = dwDeviceID }, PhoneErrOperationFailed));

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

    /// <summary>providerInstall, providerConfig, providerRemove: the host's sentence about the result becomes the last message.</summary>
    private static int Lifecycle<TRequest>(in TRequest request) where TRequest : struct, IRequest<TRequest, ProviderOperationReply>
    {
        if (!HostLink.Call(in request, out ProviderOperationReply reply))
        {
            return LineErrNoDriver;
        }

        ShimLog.Message(reply.Message ?? "");
        return reply.Result;
    }

    /// <summary>A request answered with a result alone; <paramref name="noHost"/> without a host.</summary>
    private static int Result<TRequest>(in TRequest request, int noHost, bool deliverEarlierPushes = false) where TRequest : struct, IRequest<TRequest, ResultReply> =>
        HostLink.Call(in request, out ResultReply reply, deliverEarlierPushes) ? reply.Result : noHost;

    /// <summary>lineOpen / phoneOpen succeeded or not: on success the provider's handle goes to TAPI, and events then go to <paramref name="eventProc"/>.</summary>
    private static int Opened(bool phone, int result, nint handle, nint htDevice, nint* hdDevice, nint eventProc)
    {
        if (result == 0)
        {
            TapiCallbacks.Opened(phone, handle, htDevice, eventProc);
            Store(hdDevice, handle);
        }

        return result;
    }

    /// <summary>lineClose / phoneClose: succeeds without a host, and needs none for a device opened on a host that has gone.</summary>
    private static int Close<TRequest>(nint hdDevice, in TRequest request) where TRequest : struct, IRequest<TRequest, ResultReply>
    {
        if (TapiCallbacks.ForgetStale(hdDevice))
        {
            return 0;
        }

        var result = Result(in request, 0, deliverEarlierPushes: true);
        TapiCallbacks.Closed(hdDevice);
        return result;
    }

    private delegate void FillStructure<TReply>(in TReply reply, ref VarStructWriter writer);

    /// <summary>
    /// A getter that fills one of TAPI's variable-size structures: checks the fixed part fits
    /// (STRUCTURETOOSMALL otherwise), asks the host, and on success lets <paramref name="fill"/> copy the reply into it.
    /// </summary>
    private static int Fill<TRequest, TReply>(void* structure, int fixedSize, int tooSmall, int noHost, in TRequest request, FillStructure<TReply> fill)
        where TRequest : struct, IRequest<TRequest, TReply> where TReply : struct, IPayload<TReply>, IResultReply
    {
        if (structure is null)
        {
            return noHost == PhoneErrOperationFailed ? PhoneErrInvalPointer : LineErrInvalPointer;
        }

        if (!VarStructWriter.TryBegin(structure, fixedSize, out var writer))
        {
            return tooSmall;
        }

        if (!HostLink.Call(in request, out TReply reply))
        {
            return noHost;
        }

        if (reply.Result == 0)
        {
            fill(in reply, ref writer);
            writer.Finish();
        }

        return reply.Result;
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
