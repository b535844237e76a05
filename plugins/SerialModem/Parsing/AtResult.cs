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

/// <summary>What a line means once a command is (or is not) in flight.</summary>
internal enum AtLineRole
{
    /// <summary>Part of the answer to the command in flight.</summary>
    Information,
    /// <summary>Ends the command in flight.</summary>
    Final,
    /// <summary>Sent by the modem on its own (RING, or a result while no command is in flight).</summary>
    Unsolicited,
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
}
