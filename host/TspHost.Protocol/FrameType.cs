namespace TspHost.Protocol;

/// <summary>
/// The frame types of protocol version 1. Requests go from a client (the shim, or a monitor) to the
/// host, which replies with the same type; pushes go from the host to its clients. Each TSPI
/// function the shim forwards has its own type, named after it.
/// </summary>
public enum FrameType : ushort
{
    /// <summary>The handshake: the first frame on every connection.</summary>
    Hello = 1,

    /// <summary>A monitor asks for the host's state: devices, open lines and phones, live calls, pending requests.</summary>
    MonitorSnapshot = 2,

    /// <summary>A monitor asks to receive a copy of every event pushed to the provider.</summary>
    MonitorSubscribe = 3,

    /// <summary>TSPI_providerEnumDevices.</summary>
    ProviderEnumDevices = 10,

    /// <summary>TSPI_providerInit.</summary>
    ProviderInit = 11,

    /// <summary>TSPI_providerShutdown.</summary>
    ProviderShutdown = 12,

    /// <summary>TSPI_providerInstall.</summary>
    ProviderInstall = 13,

    /// <summary>TSPI_providerConfig.</summary>
    ProviderConfig = 14,

    /// <summary>TSPI_providerRemove.</summary>
    ProviderRemove = 15,

    /// <summary>TSPI_providerCreateLineDevice.</summary>
    ProviderCreateLineDevice = 16,

    /// <summary>TSPI_providerCreatePhoneDevice.</summary>
    ProviderCreatePhoneDevice = 17,

    /// <summary>TSPI_lineNegotiateTSPIVersion.</summary>
    LineNegotiateTspiVersion = 20,

    /// <summary>TSPI_lineNegotiateExtVersion.</summary>
    LineNegotiateExtVersion = 21,

    /// <summary>TSPI_lineSelectExtVersion.</summary>
    LineSelectExtVersion = 22,

    /// <summary>TSPI_lineOpen.</summary>
    LineOpen = 23,

    /// <summary>TSPI_lineClose.</summary>
    LineClose = 24,

    /// <summary>TSPI_lineGetDevCaps.</summary>
    LineGetDevCaps = 25,

    /// <summary>TSPI_lineGetAddressCaps.</summary>
    LineGetAddressCaps = 26,

    /// <summary>TSPI_lineGetCallInfo.</summary>
    LineGetCallInfo = 27,

    /// <summary>TSPI_lineGetCallStatus.</summary>
    LineGetCallStatus = 28,

    /// <summary>TSPI_lineMakeCall.</summary>
    LineMakeCall = 30,

    /// <summary>TSPI_lineDial.</summary>
    LineDial = 31,

    /// <summary>TSPI_lineAnswer.</summary>
    LineAnswer = 32,

    /// <summary>TSPI_lineDrop.</summary>
    LineDrop = 33,

    /// <summary>TSPI_lineHold.</summary>
    LineHold = 34,

    /// <summary>TSPI_lineUnhold.</summary>
    LineUnhold = 35,

    /// <summary>TSPI_lineSetupTransfer.</summary>
    LineSetupTransfer = 36,

    /// <summary>TSPI_lineCompleteTransfer.</summary>
    LineCompleteTransfer = 37,

    /// <summary>TSPI_lineSetupConference.</summary>
    LineSetupConference = 38,

    /// <summary>TSPI_lineCloseCall.</summary>
    LineCloseCall = 39,

    /// <summary>TSPI_phoneNegotiateTSPIVersion.</summary>
    PhoneNegotiateTspiVersion = 50,

    /// <summary>TSPI_phoneOpen.</summary>
    PhoneOpen = 51,

    /// <summary>TSPI_phoneClose.</summary>
    PhoneClose = 52,

    /// <summary>TSPI_phoneGetDevCaps.</summary>
    PhoneGetDevCaps = 53,

    /// <summary>TSPI_phoneGetHookSwitch.</summary>
    PhoneGetHookSwitch = 54,

    /// <summary>TSPI_phoneSetHookSwitch.</summary>
    PhoneSetHookSwitch = 55,

    /// <summary>TSPI_phoneSetRing.</summary>
    PhoneSetRing = 56,

    /// <summary>TSPI_phoneGetRing.</summary>
    PhoneGetRing = 57,

    /// <summary>TSPI_phoneSetLamp.</summary>
    PhoneSetLamp = 58,

    /// <summary>Pushed: ASYNC_COMPLETION for a request ID.</summary>
    AsyncCompletion = 100,

    /// <summary>Pushed: a LINEEVENT other than LINE_NEWCALL.</summary>
    LineEvent = 101,

    /// <summary>Pushed: a PHONEEVENT.</summary>
    PhoneEvent = 102,

    /// <summary>Pushed: LINE_NEWCALL; the provider's reply carries TAPI's htCall (0 refuses the call).</summary>
    LineNewCall = 103,

    /// <summary>Pushed to monitors: one line of the host's live trace (a request served, a call announced).</summary>
    MonitorTrace = 104,
}
