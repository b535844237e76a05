using System.Text;
using TspHost.Conformance;

namespace TspHost.Plugins.SerialModem.Tests.Fakes;

/// <summary>
/// A plain Hayes (V.250) modem on the far end of a link: echo (E), result format (V), basic and
/// extended commands, dialling with scripted outcomes, answering, escape to command mode after
/// <c>+++</c>, rings with caller ID. It knows nothing about the plugin; the plugin must work with it
/// as it works with any Hayes-compatible modem.
/// </summary>
internal sealed class FakeModem
{
    private static readonly Dictionary<string, int> s_numeric = new()
    {
        ["OK"] = 0, ["CONNECT"] = 1, ["RING"] = 2, ["NO CARRIER"] = 3, ["ERROR"] = 4, ["NO DIALTONE"] = 6, ["BUSY"] = 7, ["NO ANSWER"] = 8,
    };

    private readonly Lock _lock = new();
    private readonly StringBuilder _input = new();
    private readonly RecordedList<string> _commands = new();
    private Action<byte[]>? _send;
    private bool _echo = true;
    private bool _verbose = true;
    private bool _dataMode;
    private bool _dialPending;
    private bool _pendingDialIsData;
    private string? _heldResult;

    public string Manufacturer { get; set; } = "ACME";

    public string Model { get; set; } = "V.92 test modem";

    /// <summary>Whether AT+VCID=1 is accepted; AT#CID=1 is the fallback.</summary>
    public bool SupportsVcid { get; set; } = true;

    public bool SupportsHashCid { get; set; } = true;

    /// <summary>The result of a dial to a number (data = no trailing ;), or null to keep ringing until aborted or <see cref="AnswerDial"/>.</summary>
    public Func<string, bool, string?> DialOutcome { get; set; } = (_, data) => data ? "CONNECT 33600" : "OK";

    /// <summary>The result of ATA, or null to keep trying to answer until aborted.</summary>
    public string? AnswerOutcome { get; set; } = "OK";

    /// <summary>The result format of the stored profile that ATZ restores (AT&amp;W on a real modem); false is ATV0.</summary>
    public bool StoredVerbose { get; set; } = true;

    /// <summary>How long the modem waits after +++ before it answers OK (its own guard time).</summary>
    public TimeSpan EscapeGuard { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>A silent modem reads everything and answers nothing (hung firmware).</summary>
    public bool Silent { get; set; }

    /// <summary>
    /// What the modem sends for these commands instead of doing them, as raw text (<c>"4\r"</c> is a
    /// numeric ERROR); a null reply is no answer at all. For modems that do not know a command.
    /// </summary>
    public Dictionary<string, string?> Replies { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Result codes come as numbers (ATV0 form) whatever ATV set: an emulator that falls back to them.</summary>
    public bool NumericAlways { get; set; }

    /// <summary>
    /// ATH is answered NO CARRIER, then OK a little later (<see cref="TrailingOkDelay"/>), or before
    /// anything else when the next command comes first: the modems whose trailing OK can be taken
    /// for the next command's answer.
    /// </summary>
    public bool HangUpSaysNoCarrierFirst { get; set; }

    public TimeSpan TrailingOkDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public IReadOnlyList<string> Commands => _commands.Items;

    public bool InDataMode
    {
        get
        {
            lock (_lock)
            {
                return _dataMode;
            }
        }
    }

    /// <summary>Whether a dial (or an answer) is in progress: the modem waits for the far end.</summary>
    public bool DialPending
    {
        get
        {
            lock (_lock)
            {
                return _dialPending;
            }
        }
    }

    /// <summary>The far end picks up the dial in progress: OK for a voice dial, CONNECT for data.</summary>
    public void AnswerDial()
    {
        bool data;
        lock (_lock)
        {
            if (!_dialPending)
            {
                throw new InvalidOperationException("No dial is in progress.");
            }

            _dialPending = false;
            data = _pendingDialIsData;
        }

        Outcome(data ? "CONNECT 33600" : "OK");
    }

    public void Connect(Action<byte[]> send)
    {
        lock (_lock)
        {
            _send = send;
            _input.Clear();
            _dataMode = false;
            _dialPending = false;
        }
    }

    public void Ring(params string[] callerId)
    {
        Result("RING");
        foreach (var line in callerId)
        {
            Send($"\r\n{line}\r\n");
        }
    }

    /// <summary>The far end hangs up: the modem drops to command mode and says NO CARRIER.</summary>
    public void RemoteHangUp()
    {
        lock (_lock)
        {
            _dataMode = false;
        }

        Result("NO CARRIER");
    }

    public void Received(ReadOnlySpan<byte> data)
    {
        if (Silent)
        {
            return;
        }

        SendHeldResult();
        foreach (var b in data)
        {
            Received((char)b);
        }
    }

    private void Received(char c)
    {
        string? line = null;
        var abortDial = false;
        var escape = false;
        lock (_lock)
        {
            if (_dataMode)
            {
                _input.Append(c);
                if (_input.ToString().EndsWith("+++", StringComparison.Ordinal))
                {
                    _input.Clear();
                    escape = true;
                }
            }
            else if (_dialPending)
            {
                // Any character aborts a dial in progress.
                _dialPending = false;
                abortDial = true;
            }
            else if (c is '\r')
            {
                line = _input.ToString();
                _input.Clear();
            }
            else if (c is not '\n')
            {
                _input.Append(c);
            }
        }

        if (escape)
        {
            _ = Task.Delay(EscapeGuard).ContinueWith(_ =>
            {
                lock (_lock)
                {
                    _dataMode = false;
                }

                Result("OK");
            }, TaskScheduler.Default);
        }
        else if (abortDial)
        {
            Result("NO CARRIER");
        }
        else if (line is not null)
        {
            Command(line.Trim());
        }
    }

    private void Command(string line)
    {
        if (line.Length == 0)
        {
            return;
        }

        _commands.Add(line);
        if (_echo)
        {
            Send(line + "\r");
        }

        if (Replies.TryGetValue(line, out var reply))
        {
            if (reply is not null)
            {
                Send(reply);
            }

            return;
        }

        if (HangUpSaysNoCarrierFirst && line.Equals("ATH", StringComparison.OrdinalIgnoreCase))
        {
            HangUpWithNoCarrierFirst();
            return;
        }

        if (!line.StartsWith("AT", StringComparison.OrdinalIgnoreCase))
        {
            Result("ERROR");
            return;
        }

        var body = line[2..];
        if (body.StartsWith('+') || body.StartsWith('#'))
        {
            Extended(body.ToUpperInvariant());
            return;
        }

        Basic(body);
    }

    private void Extended(string command)
    {
        switch (command)
        {
            case "+GMI":
                Info(Manufacturer);
                break;
            case "+GMM":
                Info(Model);
                break;
            case "+VCID=1" when SupportsVcid:
            case "#CID=1" when SupportsHashCid:
                Result("OK");
                break;
            default:
                Result("ERROR");
                break;
        }
    }

    private void Basic(string body)
    {
        var i = 0;
        while (i < body.Length)
        {
            var c = char.ToUpperInvariant(body[i++]);
            switch (c)
            {
                case 'D':
                    Dial(body[i..]);
                    return;
                case 'A':
                    Outcome(AnswerOutcome);
                    return;
                case 'Z':
                    _echo = true;
                    _verbose = StoredVerbose;
                    break;
                case 'E':
                    _echo = Number(body, ref i) != 0;
                    break;
                case 'V':
                    _verbose = Number(body, ref i) != 0;
                    break;
                case 'S':
                    _ = Number(body, ref i);
                    if (i < body.Length && body[i] is '=')
                    {
                        i++;
                        _ = Number(body, ref i);
                    }
                    else if (i < body.Length && body[i] is '?')
                    {
                        i++;
                    }

                    break;
                case 'H' or 'X' or 'M' or 'L' or 'Q' or 'I':
                    _ = Number(body, ref i);
                    break;
                case ' ':
                    break;
                default:
                    Result("ERROR");
                    return;
            }
        }

        Result("OK");
    }

    private void Dial(string dialString)
    {
        var voice = dialString.EndsWith(';');
        var number = new string([.. dialString.Where(char.IsAsciiDigit)]);
        lock (_lock)
        {
            _pendingDialIsData = !voice;
        }

        Outcome(DialOutcome(number, !voice));
    }

    /// <summary>The result of a dial or answer: null keeps it going until a character aborts it; CONNECT enters data mode.</summary>
    private void Outcome(string? outcome)
    {
        if (outcome is null)
        {
            lock (_lock)
            {
                _dialPending = true;
            }

            return;
        }

        Result(outcome);
        if (outcome.StartsWith("CONNECT", StringComparison.Ordinal))
        {
            lock (_lock)
            {
                _dataMode = true;
            }
        }
    }

    private static int Number(string body, ref int i)
    {
        var start = i;
        while (i < body.Length && char.IsAsciiDigit(body[i]))
        {
            i++;
        }

        return i == start ? 0 : int.Parse(body.AsSpan(start, i - start), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Info(string text)
    {
        Send($"\r\n{text}\r\n");
        Result("OK");
    }

    private void HangUpWithNoCarrierFirst()
    {
        Result("NO CARRIER");
        lock (_lock)
        {
            _heldResult = "OK";
        }

        _ = Task.Delay(TrailingOkDelay).ContinueWith(_ => SendHeldResult(), TaskScheduler.Default);
    }

    /// <summary>Sends the result held back after NO CARRIER, if it is still held.</summary>
    private void SendHeldResult()
    {
        string? held;
        lock (_lock)
        {
            held = _heldResult;
            _heldResult = null;
        }

        if (held is not null)
        {
            Result(held);
        }
    }

    private void Result(string code)
    {
        if (_verbose && !NumericAlways)
        {
            Send($"\r\n{code}\r\n");
            return;
        }

        var word = code.StartsWith("CONNECT", StringComparison.Ordinal) ? "CONNECT" : code;
        Send($"{s_numeric[word]}\r");
    }

    public void Send(string text)
    {
        Action<byte[]>? send;
        lock (_lock)
        {
            send = _send;
        }

        send?.Invoke(Encoding.ASCII.GetBytes(text));
    }
}
