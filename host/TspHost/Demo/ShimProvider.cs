using System.Runtime.InteropServices;
using TspHost.Core.Tapi;
using TspHost.Shim;

namespace TspHost.Demo;

/// <summary>
/// The demo's provider through the real chain, driven as TAPI drives a provider: the Native AOT shim
/// is loaded with <see cref="NativeLibrary.Load(string)"/>, its TSPI exports are called through
/// function pointers, and TAPI's completion and event procedures are <c>[UnmanagedCallersOnly]</c>
/// functions here. The shim forwards every call over the Unix domain socket to the
/// <c>tsphost run</c> daemon this provider starts as a child process.
/// </summary>
internal sealed unsafe class ShimProvider : IDemoProvider
{
    private const uint LineNewCallMessage = 500;
    private static DemoTapi? s_tapi; // the callbacks are static functions: TAPI gives providers no context pointer

    private readonly DemoDaemon _daemon;
    private readonly string _shimPath;
    private readonly string _scriptedCall;
    private readonly delegate* unmanaged<uint, uint*, uint*, nint, nint, nint, int> _providerEnumDevices;
    private readonly delegate* unmanaged<uint, uint, uint, uint, nuint, nuint, nint, uint*, int> _providerInit;
    private readonly delegate* unmanaged<uint, uint, int> _providerShutdown;
    private readonly delegate* unmanaged<nint, uint, int> _providerInstall;
    private readonly delegate* unmanaged<nint, uint, int> _providerConfig;
    private readonly delegate* unmanaged<nint, uint, int> _providerRemove;
    private readonly delegate* unmanaged<char*, uint, uint> _lastMessage;
    private readonly delegate* unmanaged<uint, uint, uint, uint*, int> _lineNegotiateTspiVersion;
    private readonly delegate* unmanaged<uint, uint, uint, uint*, int> _phoneNegotiateTspiVersion;
    private readonly delegate* unmanaged<uint, uint, uint, LineDevCaps*, int> _lineGetDevCaps;
    private readonly delegate* unmanaged<uint, nint, nint*, uint, nint, int> _lineOpen;
    private readonly delegate* unmanaged<uint, nint, nint*, uint, nint, int> _phoneOpen;
    private readonly delegate* unmanaged<nint, int> _lineClose;
    private readonly delegate* unmanaged<nint, int> _phoneClose;
    private readonly delegate* unmanaged<uint, nint, nint, nint*, char*, uint, void*, int> _lineMakeCall;
    private readonly delegate* unmanaged<uint, nint, char*, uint, int> _lineDial;
    private readonly delegate* unmanaged<uint, nint, byte*, uint, int> _lineAnswer;
    private readonly delegate* unmanaged<uint, nint, byte*, uint, int> _lineDrop;
    private readonly delegate* unmanaged<uint, nint, nint, nint*, void*, int> _lineSetupTransfer;
    private readonly delegate* unmanaged<uint, nint, nint, nint, nint*, uint, int> _lineCompleteTransfer;
    private readonly delegate* unmanaged<nint, LineCallStatus*, int> _lineGetCallStatus;
    private readonly delegate* unmanaged<nint, LineCallInfo*, int> _lineGetCallInfo;
    private readonly delegate* unmanaged<nint, int> _lineCloseCall;

    private ShimProvider(string shimPath, nint library, DemoDaemon daemon, string scriptedCall)
    {
        _shimPath = shimPath;
        _daemon = daemon;
        _scriptedCall = scriptedCall;
        nint Export(string name) => NativeLibrary.GetExport(library, name);
        _providerEnumDevices = (delegate* unmanaged<uint, uint*, uint*, nint, nint, nint, int>)Export("TSPI_providerEnumDevices");
        _providerInit = (delegate* unmanaged<uint, uint, uint, uint, nuint, nuint, nint, uint*, int>)Export("TSPI_providerInit");
        _providerShutdown = (delegate* unmanaged<uint, uint, int>)Export("TSPI_providerShutdown");
        _providerInstall = (delegate* unmanaged<nint, uint, int>)Export("TSPI_providerInstall");
        _providerConfig = (delegate* unmanaged<nint, uint, int>)Export("TSPI_providerConfig");
        _providerRemove = (delegate* unmanaged<nint, uint, int>)Export("TSPI_providerRemove");
        _lastMessage = (delegate* unmanaged<char*, uint, uint>)Export("TspHostShim_LastMessage");
        _lineNegotiateTspiVersion = (delegate* unmanaged<uint, uint, uint, uint*, int>)Export("TSPI_lineNegotiateTSPIVersion");
        _phoneNegotiateTspiVersion = (delegate* unmanaged<uint, uint, uint, uint*, int>)Export("TSPI_phoneNegotiateTSPIVersion");
        _lineGetDevCaps = (delegate* unmanaged<uint, uint, uint, LineDevCaps*, int>)Export("TSPI_lineGetDevCaps");
        _lineOpen = (delegate* unmanaged<uint, nint, nint*, uint, nint, int>)Export("TSPI_lineOpen");
        _phoneOpen = (delegate* unmanaged<uint, nint, nint*, uint, nint, int>)Export("TSPI_phoneOpen");
        _lineClose = (delegate* unmanaged<nint, int>)Export("TSPI_lineClose");
        _phoneClose = (delegate* unmanaged<nint, int>)Export("TSPI_phoneClose");
        _lineMakeCall = (delegate* unmanaged<uint, nint, nint, nint*, char*, uint, void*, int>)Export("TSPI_lineMakeCall");
        _lineDial = (delegate* unmanaged<uint, nint, char*, uint, int>)Export("TSPI_lineDial");
        _lineAnswer = (delegate* unmanaged<uint, nint, byte*, uint, int>)Export("TSPI_lineAnswer");
        _lineDrop = (delegate* unmanaged<uint, nint, byte*, uint, int>)Export("TSPI_lineDrop");
        _lineSetupTransfer = (delegate* unmanaged<uint, nint, nint, nint*, void*, int>)Export("TSPI_lineSetupTransfer");
        _lineCompleteTransfer = (delegate* unmanaged<uint, nint, nint, nint, nint*, uint, int>)Export("TSPI_lineCompleteTransfer");
        _lineGetCallStatus = (delegate* unmanaged<nint, LineCallStatus*, int>)Export("TSPI_lineGetCallStatus");
        _lineGetCallInfo = (delegate* unmanaged<nint, LineCallInfo*, int>)Export("TSPI_lineGetCallInfo");
        _lineCloseCall = (delegate* unmanaged<nint, int>)Export("TSPI_lineCloseCall");
    }

    public string Description =>
        $"Through the real chain: this process plays TAPI; it has loaded {Path.GetFileName(_shimPath)} (Native AOT) with NativeLibrary.Load\n" +
        $"and calls its TSPI exports. The shim forwards each call over a Unix domain socket to 'tsphost run' (process {_daemon.ProcessId}),\n" +
        "which runs the engine and the Simulated exchange.";

    public string Diagnostics => _daemon.Output.Length == 0 ? "" : $"'tsphost run' printed:\n{_daemon.Output.TrimEnd()}";

    /// <summary>Nobody can lift phone 0's handset from here: the exchange lives in the daemon's process.</summary>
    public IDemoHandset? Handset => null;

    /// <summary>
    /// Points the shim at <paramref name="daemon"/> and loads it; <paramref name="scriptedCall"/> is the
    /// daemon's Simulated <c>IncomingCalls</c> setting, for the trace.
    /// </summary>
    public static ShimProvider Load(string shimPath, DemoDaemon daemon, string scriptedCall, DemoTapi tapi)
    {
        SetEnvironment("TSPHOST_SOCKET", daemon.SocketPath);
        var library = NativeLibrary.Load(Path.GetFullPath(shimPath));
        s_tapi = tapi;
        return new ShimProvider(shimPath, library, daemon, scriptedCall);
    }

    public Task<DemoLifecycle> ProviderInstallAsync(uint providerId) => Lifecycle(Hold()._providerInstall(0, providerId));

    public Task<(int Result, uint Lines, uint Phones)> ProviderEnumDevicesAsync(uint providerId)
    {
        uint lines = 0, phones = 0;
        var result = Hold()._providerEnumDevices(providerId, &lines, &phones, 0, (nint)(delegate* unmanaged<nint, nint, uint, nuint, nuint, nuint, void>)&LineEvent,
            (nint)(delegate* unmanaged<nint, uint, nuint, nuint, nuint, void>)&PhoneEvent);
        return Task.FromResult((result, lines, phones));
    }

    public Task<DemoLifecycle> ProviderInitAsync(uint version, uint providerId, uint lineBase, uint phoneBase, uint lines, uint phones)
    {
        uint options = 0;
        return Lifecycle(Hold()._providerInit(version, providerId, lineBase, phoneBase, lines, phones, (nint)(delegate* unmanaged<uint, int, void>)&Completion, &options));
    }

    /// <summary>
    /// providerConfig has no dialog here: the shim applies the change <c>TSPHOST_PROVIDER_CONFIG</c> names,
    /// which it reads from the process environment when it is called.
    /// </summary>
    public Task<DemoLifecycle> ProviderConfigAsync(uint providerId, string plugin, string key, string value)
    {
        SetEnvironment("TSPHOST_PROVIDER_CONFIG", $"{plugin}:{key}={value}");
        return Lifecycle(Hold()._providerConfig(0, providerId));
    }

    public Task<int> ProviderShutdownAsync(uint version, uint providerId) => Task.FromResult(Hold()._providerShutdown(version, providerId));

    public Task<DemoLifecycle> ProviderRemoveAsync(uint providerId) => Lifecycle(Hold()._providerRemove(0, providerId));

    public int LineNegotiateTspiVersion(uint deviceId, uint low, uint high, out uint version)
    {
        uint negotiated = 0;
        var result = Hold()._lineNegotiateTspiVersion(deviceId, low, high, &negotiated);
        version = negotiated;
        return result;
    }

    public int PhoneNegotiateTspiVersion(uint deviceId, uint low, uint high, out uint version)
    {
        uint negotiated = 0;
        var result = Hold()._phoneNegotiateTspiVersion(deviceId, low, high, &negotiated);
        version = negotiated;
        return result;
    }

    public int LineGetDevCaps(uint deviceId, uint version, out DemoLineCaps? caps)
    {
        var result = VarStruct.Get<LineDevCaps>(p => Hold()._lineGetDevCaps(deviceId, version, 0, p), out var c);
        caps = result == 0 ? new DemoLineCaps(VarStruct.String(c, c->LineNameSize, c->LineNameOffset), c->PermanentLineId, c->MaxNumActiveCalls) : null;
        VarStruct.Free(c);
        return result;
    }

    public Task<(int Result, nint HdLine)> LineOpenAsync(uint deviceId, nint htLine, uint version)
    {
        nint hdLine = 0;
        var result = Hold()._lineOpen(deviceId, htLine, &hdLine, version, (nint)(delegate* unmanaged<nint, nint, uint, nuint, nuint, nuint, void>)&LineEvent);
        return Task.FromResult((result, hdLine));
    }

    public Task<(int Result, nint HdPhone)> PhoneOpenAsync(uint deviceId, nint htPhone, uint version)
    {
        nint hdPhone = 0;
        var result = Hold()._phoneOpen(deviceId, htPhone, &hdPhone, version, (nint)(delegate* unmanaged<nint, uint, nuint, nuint, nuint, void>)&PhoneEvent);
        return Task.FromResult((result, hdPhone));
    }

    public Task<int> LineCloseAsync(nint hdLine) => Task.FromResult(Hold()._lineClose(hdLine));

    public Task<int> PhoneCloseAsync(nint hdPhone) => Task.FromResult(Hold()._phoneClose(hdPhone));

    public int LineMakeCall(uint requestId, nint hdLine, nint htCall, out nint hdCall, string destination)
    {
        nint created = 0;
        int result;
        fixed (char* address = destination)
        {
            result = Hold()._lineMakeCall(requestId, hdLine, htCall, &created, address, 0, null);
        }

        hdCall = created;
        return result;
    }

    public int LineDial(uint requestId, nint hdCall, string destination)
    {
        fixed (char* address = destination)
        {
            return Hold()._lineDial(requestId, hdCall, address, 0);
        }
    }

    public int LineAnswer(uint requestId, nint hdCall) => Hold()._lineAnswer(requestId, hdCall, null, 0);

    public int LineDrop(uint requestId, nint hdCall) => Hold()._lineDrop(requestId, hdCall, null, 0);

    public int LineSetupTransfer(uint requestId, nint hdCall, nint htConsultCall, out nint hdConsultCall)
    {
        nint created = 0;
        var result = Hold()._lineSetupTransfer(requestId, hdCall, htConsultCall, &created, null);
        hdConsultCall = created;
        return result;
    }

    public int LineCompleteTransfer(uint requestId, nint hdCall, nint hdConsultCall, uint transferMode)
    {
        nint conference = 0;
        return Hold()._lineCompleteTransfer(requestId, hdCall, hdConsultCall, 0, &conference, transferMode);
    }

    public int LineGetCallStatus(nint hdCall, out uint callState)
    {
        var result = VarStruct.Get<LineCallStatus>(p => Hold()._lineGetCallStatus(hdCall, p), out var s);
        callState = result == 0 ? s->CallState : 0;
        VarStruct.Free(s);
        return result;
    }

    public int LineGetCallInfo(nint hdCall, out DemoCallInfo? info)
    {
        var result = VarStruct.Get<LineCallInfo>(p => Hold()._lineGetCallInfo(hdCall, p), out var c);
        info = result == 0
            ? new DemoCallInfo(VarStruct.String(c, c->CallerIdSize, c->CallerIdOffset), VarStruct.String(c, c->CallerIdNameSize, c->CallerIdNameOffset))
            : null;
        VarStruct.Free(c);
        return result;
    }

    public Task<int> LineCloseCallAsync(nint hdCall) => Task.FromResult(Hold()._lineCloseCall(hdCall));

    public string IncomingCall(string number, string name) =>
        "The exchange runs in the daemon, out of this process's reach, so this call is scripted in the daemon's settings\n" +
        $"(Plugins:Simulated:IncomingCalls={_scriptedCall}: milliseconds after providerInit, line, caller). Waiting for it.";

    public ValueTask DisposeAsync()
    {
        // The shim stays loaded (a Native AOT library cannot be unloaded); the process ends soon after.
        s_tapi = null;
        return _daemon.DisposeAsync();
    }

    /// <summary>A TSPI call is about to start: the trace holds callbacks until its line is printed.</summary>
    private ShimProvider Hold()
    {
        s_tapi?.Trace.HoldEvents();
        return this;
    }

    private Task<DemoLifecycle> Lifecycle(int result)
    {
        var buffer = stackalloc char[1024];
        var length = _lastMessage(buffer, 1024);
        var message = new string(buffer, 0, (int)Math.Min(length, 1023));
        return Task.FromResult(new DemoLifecycle(result, message.Length == 0 ? null : message));
    }

    // TAPI's procedures. No exception may cross back into the shim's native frames.

    [UnmanagedCallersOnly]
    private static void Completion(uint requestId, int result) => Callback(tapi => tapi.AsyncCompletion(requestId, result));

    [UnmanagedCallersOnly]
    private static void LineEvent(nint htLine, nint htCall, uint message, nuint param1, nuint param2, nuint param3) => Callback(tapi =>
    {
        if (message == LineNewCallMessage)
        {
            // LINE_NEWCALL: param1 is the provider's hdCall; TAPI writes its own htCall where param2 points.
            *(nint*)param2 = tapi.NewCall(htLine, (nint)param1);
        }
        else
        {
            tapi.LineEvent(htLine, htCall, (LineMessage)message, param1, param2, param3);
        }
    });

    [UnmanagedCallersOnly]
    private static void PhoneEvent(nint htPhone, uint message, nuint param1, nuint param2, nuint param3) =>
        Callback(tapi => tapi.PhoneEvent(htPhone, (PhoneMessage)message, param1, param2, param3));

    private static void Callback(Action<DemoTapi> deliver)
    {
        try
        {
            if (s_tapi is { } tapi)
            {
                deliver(tapi);
            }
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"tsphost demo: a callback failed: {e.Message}");
        }
    }

    /// <summary>
    /// Sets a variable in the process environment, where the shim (a runtime of its own) reads it:
    /// <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only this runtime's copy.
    /// </summary>
    private static void SetEnvironment(string name, string value)
    {
        if (NativeMethods.setenv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"could not set {name} for the shim.");
        }
    }

    /// <summary>TAPI's rule for a variable-size structure: offer dwTotalSize bytes, and again with dwNeededSize when that was not enough.</summary>
    private static class VarStruct
    {
        public delegate int Fill<T>(T* structure) where T : unmanaged;

        public static int Get<T>(Fill<T> call, out T* structure) where T : unmanaged
        {
            var size = (uint)sizeof(T) + 512;
            while (true)
            {
                structure = (T*)NativeMemory.AllocZeroed(size);
                var header = (VarHeader*)structure;
                header->TotalSize = size;
                var result = call(structure);
                if (result != 0 || header->NeededSize <= header->TotalSize)
                {
                    return result;
                }

                size = header->NeededSize;
                NativeMemory.Free(structure);
            }
        }

        /// <summary>A string at an offset from the start of the structure; its size in bytes includes the NUL.</summary>
        public static string? String<T>(T* structure, uint size, uint offset) where T : unmanaged =>
            size < 2 ? null : new string((char*)((byte*)structure + offset), 0, (int)(size / 2) - 1);

        public static void Free<T>(T* structure) where T : unmanaged => NativeMemory.Free(structure);
    }
}

internal static partial class NativeMethods
{
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int signal);
}
