namespace TspHost.Plugins.SerialModem.Parsing;

/// <summary>The result codes of V.250 (and <c>+CME ERROR</c>); <see cref="Text"/> is any other line.</summary>
internal enum AtResultCode
{
    /// <summary>Information text: an answer line, caller ID, anything that is not a result code.</summary>
    Text,
    Ok,
    Connect,
    Ring,
    NoCarrier,
    Error,
    NoDialTone,
    Busy,
    NoAnswer,
    CmeError,
}

/// <summary>Which results end a command.</summary>
internal enum AtCommandKind
{
    /// <summary>
    /// Any command that neither places nor answers a call (<c>ATH</c>, <c>ATZ</c>, <c>AT+GMI</c>):
    /// only OK and the error results end it.
    /// </summary>
    Basic,
    /// <summary>
    /// A command that places, answers or resumes a call (<c>ATD</c>, <c>ATA</c>, <c>ATO</c>) or
    /// leaves data mode (<c>+++</c>): the call-progress results (CONNECT, NO CARRIER, BUSY, NO ANSWER,
    /// NO DIALTONE) end it too.
    /// </summary>
    Call,
}

/// <summary>What a line means once a command is (or is not) in flight.</summary>
internal enum AtLineRole
{
    /// <summary>Part of the answer to the command in flight.</summary>
    Information,
    /// <summary>Ends the command in flight.</summary>
    Final,
    /// <summary>Sent by the modem on its own (RING, or a result while no command is in flight).</summary>
    Unsolicited,
    /// <summary>
    /// A call-progress result while a <see cref="AtCommandKind.Basic"/> command is in flight: it is
    /// about a call (some modems answer <c>ATH</c> with NO CARRIER, then OK), so the call is told and
    /// the command waits for its own OK or ERROR; a command that gets none is answered with it.
    /// </summary>
    CallProgress,
}

/// <summary>One parsed line.</summary>
/// <param name="Code">The result code, or <see cref="AtResultCode.Text"/>.</param>
/// <param name="Line">The line as received (trimmed).</param>
/// <param name="Detail">What follows the code: the speed after CONNECT, the text after <c>+CME ERROR:</c>.</param>
/// <param name="ErrorNumber">The number of a numeric <c>+CME ERROR</c>.</param>
internal readonly record struct AtResult(AtResultCode Code, string Line, string? Detail = null, int? ErrorNumber = null)
{
    /// <summary>Whether the line is a result code rather than text.</summary>
    public bool IsResultCode => Code != AtResultCode.Text;

    /// <summary>Whether the line is a result code in its numeric (ATV0) form.</summary>
    public bool IsNumeric => IsResultCode && Line.Length > 0 && char.IsAsciiDigit(Line[0]);
}
