namespace TspHost.Core.Events;

using TspHost.Core.Tapi;

/// <summary>
/// TAPI's side of the provider: the completion callback given at providerInit and the line and phone
/// event callbacks. The engine calls these from one dispatcher loop, in order, never while it holds
/// a lock, and never re-entrantly.
/// </summary>
public interface ITapiCallbacks
{
    /// <summary>ASYNC_COMPLETION: called exactly once per asynchronous request.</summary>
    void AsyncCompletion(uint requestId, int result);

    /// <summary>A LINEEVENT other than LINE_NEWCALL.</summary>
    void LineEvent(nint htLine, nint htCall, LineMessage message, nuint param1, nuint param2, nuint param3);

    /// <summary>
    /// LINE_NEWCALL: announces the provider's <paramref name="hdCall"/> and returns TAPI's handle for
    /// the call, or 0 when TAPI refuses it. No other message for the call is sent until this returns.
    /// </summary>
    ValueTask<nint> LineNewCall(nint htLine, nint hdCall);

    /// <summary>A PHONEEVENT.</summary>
    void PhoneEvent(nint htPhone, PhoneMessage message, nuint param1, nuint param2, nuint param3);
}
