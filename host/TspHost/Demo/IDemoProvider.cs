namespace TspHost.Demo;

/// <summary>What a <c>lineGetDevCaps</c> answer shows in the trace.</summary>
internal sealed record DemoLineCaps(string? LineName, uint PermanentLineId, uint MaxNumActiveCalls);

/// <summary>What a <c>lineGetCallInfo</c> answer shows in the trace.</summary>
internal sealed record DemoCallInfo(string? CallerId, string? CallerIdName);

/// <summary>The result of a lifecycle function and the message that explains it (why it was refused, deferred...).</summary>
internal readonly record struct DemoLifecycle(int Result, string? Message);

/// <summary>
/// The provider as the demo's script sees it: the TSPI functions the script calls, with TAPI's
/// handles, request IDs and result codes, and the exchange's side where it can be reached. One
/// implementation calls the engine in this process; the other calls the TSPI exports of the Native
/// AOT shim, which forwards them to a <c>tsphost run</c> daemon.
/// </summary>
internal interface IDemoProvider : IAsyncDisposable
{
    /// <summary>One line for the head of the trace: what runs where.</summary>
    string Description { get; }

    /// <summary>What helps explain a failure (the daemon's output), or empty.</summary>
    string Diagnostics { get; }

    Task<DemoLifecycle> ProviderInstallAsync(uint providerId);

    Task<(int Result, uint Lines, uint Phones)> ProviderEnumDevicesAsync(uint providerId);

    Task<DemoLifecycle> ProviderInitAsync(uint version, uint providerId, uint lineBase, uint phoneBase, uint lines, uint phones);

    /// <summary>providerConfig with the change <c>plugin: key=value</c>.</summary>
    Task<DemoLifecycle> ProviderConfigAsync(uint providerId, string plugin, string key, string value);

    Task<int> ProviderShutdownAsync(uint version, uint providerId);

    Task<DemoLifecycle> ProviderRemoveAsync(uint providerId);

    int LineNegotiateTspiVersion(uint deviceId, uint low, uint high, out uint version);

    int PhoneNegotiateTspiVersion(uint deviceId, uint low, uint high, out uint version);

    int LineGetDevCaps(uint deviceId, uint version, out DemoLineCaps? caps);

    Task<(int Result, nint HdLine)> LineOpenAsync(uint deviceId, nint htLine, uint version);

    Task<(int Result, nint HdPhone)> PhoneOpenAsync(uint deviceId, nint htPhone, uint version);

    Task<int> LineCloseAsync(nint hdLine);

    Task<int> PhoneCloseAsync(nint hdPhone);

    int LineMakeCall(uint requestId, nint hdLine, nint htCall, out nint hdCall, string destination);

    int LineDial(uint requestId, nint hdCall, string destination);

    int LineAnswer(uint requestId, nint hdCall);

    int LineDrop(uint requestId, nint hdCall);

    int LineSetupTransfer(uint requestId, nint hdCall, nint htConsultCall, out nint hdConsultCall);

    int LineCompleteTransfer(uint requestId, nint hdCall, nint hdConsultCall, uint transferMode);

    int LineGetCallStatus(nint hdCall, out uint callState);

    int LineGetCallInfo(nint hdCall, out DemoCallInfo? info);

    Task<int> LineCloseCallAsync(nint hdCall);

    /// <summary>
    /// Has the exchange ring line 0 from <paramref name="number"/> (<paramref name="name"/>), or, when
    /// the exchange cannot be reached from here, says how the call was scripted; returns the note for the trace.
    /// </summary>
    string IncomingCall(string number, string name);

    /// <summary>The person at phone 0, when the exchange can be reached from here; null otherwise.</summary>
    IDemoHandset? Handset { get; }
}

/// <summary>The person at phone 0 (the handset of line 0).</summary>
internal interface IDemoHandset
{
    void Lift();

    void PressKeys(string keys);

    void Replace();
}
