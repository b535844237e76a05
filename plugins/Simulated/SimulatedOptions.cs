using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

/// <summary>The simulated exchange's settings, read and checked once per session (see README.md).</summary>
public sealed record SimulatedOptions
{
    /// <summary>The most lines or phones one exchange simulates.</summary>
    public const int MaxDevices = 64;

    /// <summary>How many lines the exchange has.</summary>
    public int Lines { get; init; } = 2;

    /// <summary>How many phones the exchange has; phone i belongs to line i.</summary>
    public int Phones { get; init; } = 2;

    /// <summary>The number of line 1; line i gets <c>FirstNumber + i - 1</c>.</summary>
    public int FirstNumber { get; init; } = 201;

    /// <summary>The time between two rings, both ringback and an alerting line.</summary>
    public TimeSpan RingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many rings an outside number lets pass before it answers.</summary>
    public int RingsBeforeAnswer { get; init; } = 2;

    /// <summary>How many rings pass before an unanswered call gives up.</summary>
    public int NoAnswerRings { get; init; } = 5;

    /// <summary>Outside numbers that are always busy.</summary>
    public IReadOnlySet<string> BusyNumbers { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "5550199" };

    /// <summary>Outside numbers that ring but never answer.</summary>
    public IReadOnlySet<string> NoAnswerNumbers { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "5550198" };

    /// <summary>Outside numbers that cannot be reached.</summary>
    public IReadOnlySet<string> UnreachableNumbers { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "5550197" };

    /// <summary>Incoming calls from outside, scheduled when the session starts.</summary>
    public IReadOnlyList<ScriptedIncomingCall> IncomingCalls { get; init; } = [];

    /// <summary>
    /// How long every operation the host runs as an asynchronous TAPI request (make call, dial,
    /// answer, drop, hold, transfer, conference, and the phone's hook switch, ringer and lamps) takes
    /// before it acts and completes; zero acts at once. Opening, closing and releasing are never delayed.
    /// </summary>
    public TimeSpan ResponseDelay { get; init; } = TimeSpan.Zero;

    /// <summary>The number of line <paramref name="index"/> (1-based).</summary>
    public string LineNumber(int index) => (FirstNumber + index - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads and checks <paramref name="settings"/>.</summary>
    /// <exception cref="BackendConfigurationException">A value is missing its form; the message names the key.</exception>
    public static SimulatedOptions Read(BackendSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var lines = settings.GetInt32("Lines", 2, 1, MaxDevices);
        var ringsBeforeAnswer = settings.GetInt32("RingsBeforeAnswer", 2, 1, 1000);
        return new SimulatedOptions
        {
            Lines = lines,
            Phones = settings.GetInt32("Phones", lines, 0, MaxDevices),
            FirstNumber = settings.GetInt32("FirstNumber", 201, 100, 999_999_999 - MaxDevices),
            RingInterval = settings.GetMilliseconds("RingInterval", TimeSpan.FromSeconds(1), 1, 600_000),
            RingsBeforeAnswer = ringsBeforeAnswer,
            NoAnswerRings = settings.GetInt32("NoAnswerRings", 5, 1, 1000),
            BusyNumbers = ReadNumbers(settings, "BusyNumbers", "5550199"),
            NoAnswerNumbers = ReadNumbers(settings, "NoAnswerNumbers", "5550198"),
            UnreachableNumbers = ReadNumbers(settings, "UnreachableNumbers", "5550197"),
            IncomingCalls = IncomingCallScript.Parse(settings, "IncomingCalls", lines),
            ResponseDelay = settings.GetMilliseconds("ResponseDelay", TimeSpan.Zero, 0, 600_000),
        };
    }

    private static HashSet<string> ReadNumbers(BackendSettings settings, string key, string defaultValue)
    {
        var numbers = new HashSet<string>(StringComparer.Ordinal);
        var entries = settings.ContainsKey(key) ? settings.GetList(key) : [defaultValue];
        foreach (var entry in entries)
        {
            var digits = DialString.Normalize(entry);
            if (digits is null || digits.Length < DialString.MinimumLength)
            {
                throw settings.Error(key, settings[key], $"a comma-separated list of numbers of {DialString.MinimumLength} or more digits ('{entry}' is not one)");
            }

            numbers.Add(digits);
        }

        return numbers;
    }
}
