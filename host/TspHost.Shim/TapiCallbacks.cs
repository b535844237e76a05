using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Shim;

/// <summary>
/// TAPI's side as the shim knows it: the callbacks TAPI gave (completion, line and phone event
/// procedures, the create procedures), the open devices, and the asynchronous requests TAPI still
/// waits for. Everything here runs on the callback thread, except the bookkeeping the exports do
/// under the lock.
/// </summary>
internal static unsafe class TapiCallbacks
{
    public const int LineErrOperationFailed = unchecked((int)0x80000048);
    public const int PhoneErrOperationFailed = unchecked((int)0x9000001C);
    private const uint LineNewCallMessage = 500;
    private const uint LineCreateMessage = 19;
    private const uint LineLineDevStateMessage = 8;
    private const uint PhoneCreateMessage = 20;
    private const uint PhoneStateMessage = 18;
    private const uint LineDevStateOutOfService = 0x80;
    private const uint LineDevStateReinit = 0x40000;
    private const uint PhoneStateDisconnected = 0x4;
    private const uint PhoneStateReinit = 0x200000;

    private static readonly object s_lock = new();
    private static readonly Dictionary<uint, bool> s_pending = []; // request ID -> is a phone request
    private static readonly HashSet<uint> s_completedEarly = [];
    private static int s_lostLink; // the newest connection whose loss was handled: requests accepted over it later are failed at once
    private static readonly Dictionary<nint, nint> s_lineProcs = []; // htLine -> LINEEVENT
    private static readonly Dictionary<nint, nint> s_phoneProcs = []; // htPhone -> PHONEEVENT
    private static readonly Dictionary<nint, nint> s_openLines = []; // hdLine -> htLine
    private static readonly Dictionary<nint, nint> s_openPhones = []; // hdPhone -> htPhone
    private static readonly HashSet<nint> s_staleDevices = []; // hdLine / hdPhone opened on a host that is gone
    private static delegate* unmanaged<uint, int, void> s_completion;
    private static delegate* unmanaged<nint, nint, uint, nuint, nuint, nuint, void> s_lineCreate;
    private static delegate* unmanaged<nint, uint, nuint, nuint, nuint, void> s_phoneCreate;
    private static nint s_lastLineProc;
    private static nint s_lastPhoneProc;

    /// <summary>The interface version of the running session (for structures that carry no version).</summary>
    public static uint SessionVersion { get; private set; } = Versions.V2_0;

    public static void ProviderEnumerated(nint lineCreateProc, nint phoneCreateProc)
    {
        s_lineCreate = (delegate* unmanaged<nint, nint, uint, nuint, nuint, nuint, void>)lineCreateProc;
        s_phoneCreate = (delegate* unmanaged<nint, uint, nuint, nuint, nuint, void>)phoneCreateProc;
    }

    public static void SessionStarted(uint version, nint completionProc)
    {
        lock (s_lock)
        {
            SessionVersion = version;
            s_completion = (delegate* unmanaged<uint, int, void>)completionProc;
            s_pending.Clear();
            s_completedEarly.Clear();
        }
    }

    /// <summary>A line or phone is open: its events go to <paramref name="eventProc"/>, and it is reported if the host goes.</summary>
    public static void Opened(bool phone, nint hdDevice, nint htDevice, nint eventProc)
    {
        lock (s_lock)
        {
            (phone ? s_openPhones : s_openLines)[hdDevice] = htDevice;
            (phone ? s_phoneProcs : s_lineProcs)[htDevice] = eventProc;
            if (phone)
            {
                s_lastPhoneProc = eventProc;
            }
            else
            {
                s_lastLineProc = eventProc;
            }
        }
    }

    /// <summary>A line or phone is closed (the host's handles never collide between kinds).</summary>
    public static void Closed(nint hdDevice)
    {
        lock (s_lock)
        {
            s_openLines.Remove(hdDevice);
            s_openPhones.Remove(hdDevice);
        }
    }

    /// <summary>True (once) for a line or phone opened on a host that has gone since: closing it needs no host.</summary>
    public static bool ForgetStale(nint hdDevice)
    {
        lock (s_lock)
        {
            return s_staleDevices.Remove(hdDevice);
        }
    }

    /// <summary>
    /// TAPI got a request ID back over connection <paramref name="link"/>: it now waits for exactly one
    /// completion (unless that came already). When that connection was lost and its pending requests
    /// failed before this call, the request is failed here: it would otherwise never complete.
    /// </summary>
    public static void Accepted(uint requestId, bool phone, int link)
    {
        lock (s_lock)
        {
            if (s_completedEarly.Remove(requestId))
            {
                return;
            }

            if (link > s_lostLink)
            {
                s_pending[requestId] = phone; // completed by the host, or failed when this connection is lost
                return;
            }
        }

        HostLink.Post(() => Complete(requestId, phone ? PhoneErrOperationFailed : LineErrOperationFailed));
    }

    /// <summary>Handles one pushed frame (on the callback thread).</summary>
    public static void Dispatch(Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.AsyncCompletion:
            {
                var completion = frame.Read<AsyncCompletionPush>();
                lock (s_lock)
                {
                    if (!s_pending.Remove(completion.RequestId))
                    {
                        s_completedEarly.Add(completion.RequestId); // the completion overtook the reply to the request
                    }
                }

                Complete(completion.RequestId, completion.Result);
                break;
            }

            case FrameType.LineEvent:
            {
                var e = frame.Read<LineEventPush>();
                var proc = e.Message == LineCreateMessage ? s_lineCreate : LineProc(e.HtLine);
                if (proc is not null)
                {
                    proc(e.HtLine, e.HtCall, e.Message, (nuint)e.Param1, (nuint)e.Param2, (nuint)e.Param3);
                }

                break;
            }

            case FrameType.PhoneEvent:
            {
                var e = frame.Read<PhoneEventPush>();
                var proc = e.Message == PhoneCreateMessage ? s_phoneCreate : PhoneProc(e.HtPhone);
                if (proc is not null)
                {
                    proc(e.HtPhone, e.Message, (nuint)e.Param1, (nuint)e.Param2, (nuint)e.Param3);
                }

                break;
            }

            case FrameType.LineNewCall:
            {
                var newCall = frame.Read<LineNewCallPush>();
                nint htCall = 0; // TAPI writes its handle for the call here (p2 of LINE_NEWCALL)
                var proc = LineProc(newCall.HtLine);
                if (proc is not null)
                {
                    proc(newCall.HtLine, 0, LineNewCallMessage, (nuint)newCall.HdCall, (nuint)(&htCall), 0);
                }

                HostLink.SendQuietly(MessageCodec.EncodeReply(new LineNewCallReply { HtCall = htCall }, frame));
                break;
            }

            default:
                ShimLog.Message($"Ignored a pushed {frame.Type}");
                break;
        }
    }

    /// <summary>The host went away: complete what TAPI waits for, report the open devices out of service.</summary>
    public static void HostLost(int link)
    {
        KeyValuePair<uint, bool>[] pending;
        KeyValuePair<nint, nint>[] lines, phones;
        lock (s_lock)
        {
            s_lostLink = Math.Max(s_lostLink, link);
            pending = [.. s_pending];
            s_pending.Clear();
            lines = [.. s_openLines];
            phones = [.. s_openPhones];
        }

        foreach (var (requestId, phone) in pending)
        {
            Complete(requestId, phone ? PhoneErrOperationFailed : LineErrOperationFailed);
        }

        Announce(lines, phones, LineDevStateOutOfService, PhoneStateDisconnected);
    }

    /// <summary>The host is back, without our session: ask TAPI to shut down and initialise again.</summary>
    public static void HostBack()
    {
        KeyValuePair<nint, nint>[] lines, phones;
        lock (s_lock)
        {
            lines = [.. s_openLines];
            phones = [.. s_openPhones];
            s_staleDevices.UnionWith(s_openLines.Keys);
            s_staleDevices.UnionWith(s_openPhones.Keys);
            s_openLines.Clear();
            s_openPhones.Clear();
        }

        if (lines.Length == 0 && phones.Length == 0)
        {
            lines = [new(0, 0)];
        }

        Announce(lines, phones, LineDevStateReinit, PhoneStateReinit);
    }

    private static void Announce(KeyValuePair<nint, nint>[] lines, KeyValuePair<nint, nint>[] phones, uint lineDevState, uint phoneState)
    {
        foreach (var (_, htLine) in lines)
        {
            var proc = LineProc(htLine);
            if (proc is not null)
            {
                proc(htLine, 0, LineLineDevStateMessage, lineDevState, 0, 0);
            }
        }

        foreach (var (_, htPhone) in phones)
        {
            var proc = PhoneProc(htPhone);
            if (proc is not null)
            {
                proc(htPhone, PhoneStateMessage, phoneState, 0, 0);
            }
        }
    }

    private static void Complete(uint requestId, int result)
    {
        var completion = s_completion;
        if (completion is not null)
        {
            completion(requestId, result);
        }
    }

    private static delegate* unmanaged<nint, nint, uint, nuint, nuint, nuint, void> LineProc(nint htLine)
    {
        lock (s_lock)
        {
            // A message for no particular line (REINIT before any lineOpen) goes through the LINEEVENT procedure of providerEnumDevices.
            var proc = s_lineProcs.TryGetValue(htLine, out var found) ? found : s_lastLineProc;
            return proc != 0 ? (delegate* unmanaged<nint, nint, uint, nuint, nuint, nuint, void>)proc : s_lineCreate;
        }
    }

    private static delegate* unmanaged<nint, uint, nuint, nuint, nuint, void> PhoneProc(nint htPhone)
    {
        lock (s_lock)
        {
            return (delegate* unmanaged<nint, uint, nuint, nuint, nuint, void>)(s_phoneProcs.TryGetValue(htPhone, out var proc) ? proc : s_lastPhoneProc);
        }
    }
}
