using System.Collections;
using System.Globalization;

namespace TspHost.Abstractions;

/// <summary>
/// A plugin's settings: flat, case-insensitive <c>key = value</c> pairs (nested keys use <c>:</c>),
/// with typed readers that fail with a <see cref="BackendConfigurationException"/> naming the
/// source, the key and the expected form.
/// </summary>
public sealed class BackendSettings : IReadOnlyDictionary<string, string>
{
    private readonly Dictionary<string, string> _values;

    /// <summary>Creates settings from pairs.</summary>
    /// <param name="values">The pairs; keys compare case-insensitively.</param>
    /// <param name="source">Where the values came from, for error messages (a file name, <c>provider state</c>).</param>
    /// <param name="section">The section path the keys live under, for error messages (e.g. <c>Plugins:Simulated</c>).</param>
    public BackendSettings(IEnumerable<KeyValuePair<string, string>> values, string source = "settings", string section = "")
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values)
        {
            _values[key] = value;
        }

        Source = source;
        Section = section;
    }

    /// <summary>Settings with no values.</summary>
    public static BackendSettings Empty { get; } = new([]);

    /// <summary>Where the values came from.</summary>
    public string Source { get; }

    /// <summary>The section path the keys live under.</summary>
    public string Section { get; }

    /// <summary>Returns a string value, or <paramref name="defaultValue"/> when the key is absent.</summary>
    public string GetString(string key, string defaultValue) => _values.TryGetValue(key, out var v) ? v : defaultValue;

    /// <summary>Returns a required string value.</summary>
    /// <exception cref="BackendConfigurationException">The key is absent or empty.</exception>
    public string GetRequiredString(string key, string expectedForm)
    {
        if (!_values.TryGetValue(key, out var v) || string.IsNullOrWhiteSpace(v))
        {
            throw Error(key, null, expectedForm);
        }

        return v;
    }

    /// <summary>Returns a whole number within <paramref name="min"/>..<paramref name="max"/>, or the default when absent.</summary>
    /// <exception cref="BackendConfigurationException">The value is not a whole number in range.</exception>
    public int GetInt32(string key, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!_values.TryGetValue(key, out var text))
        {
            return defaultValue;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        throw Error(key, text, $"a whole number from {min} to {max}");
    }

    /// <summary>Returns <c>true</c>/<c>false</c>, or the default when absent.</summary>
    /// <exception cref="BackendConfigurationException">The value is not a boolean.</exception>
    public bool GetBoolean(string key, bool defaultValue)
    {
        if (!_values.TryGetValue(key, out var text))
        {
            return defaultValue;
        }

        return bool.TryParse(text, out var value) ? value : throw Error(key, text, "true or false");
    }

    /// <summary>Returns a duration given in milliseconds, or the default when absent.</summary>
    /// <exception cref="BackendConfigurationException">The value is not a whole number of milliseconds in range.</exception>
    public TimeSpan GetMilliseconds(string key, TimeSpan defaultValue, int min = 0, int max = int.MaxValue)
    {
        if (!_values.ContainsKey(key))
        {
            return defaultValue;
        }

        return TimeSpan.FromMilliseconds(GetInt32(key, 0, min, max));
    }

    /// <summary>Returns a comma-separated list (entries trimmed, empty entries dropped), or an empty list when absent.</summary>
    public IReadOnlyList<string> GetList(string key) =>
        _values.TryGetValue(key, out var text)
            ? text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];

    /// <summary>Creates the exception for a bad value of <paramref name="key"/>.</summary>
    public BackendConfigurationException Error(string key, string? actual, string expectedForm) =>
        new(Source, string.IsNullOrEmpty(Section) ? key : $"{Section}:{key}", actual, expectedForm);

    /// <summary>Returns a copy with <paramref name="changes"/> applied; a <c>null</c> value removes the key.</summary>
    public BackendSettings With(IEnumerable<KeyValuePair<string, string?>> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var copy = new Dictionary<string, string>(_values, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                copy.Remove(key);
            }
            else
            {
                copy[key] = value;
            }
        }

        return new BackendSettings(copy, Source, Section);
    }

    /// <inheritdoc />
    public string this[string key] => _values[key];

    /// <inheritdoc />
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc />
    public IEnumerable<string> Values => _values.Values;

    /// <inheritdoc />
    public int Count => _values.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value!);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A setting has a missing or malformed value.</summary>
public sealed class BackendConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackendConfigurationException(string source, string key, string? actualValue, string expectedForm)
        : base(actualValue is null
            ? $"{source}: {key} is missing; expected {expectedForm}."
            : $"{source}: {key} = '{actualValue}' is not valid; expected {expectedForm}.")
    {
        SettingsSource = source;
        Key = key;
        ActualValue = actualValue;
        ExpectedForm = expectedForm;
    }

    /// <summary>Where the value came from (a file name, <c>provider state</c>).</summary>
    public string SettingsSource { get; }

    /// <summary>The full key, section included.</summary>
    public string Key { get; }

    /// <summary>The value found, or <c>null</c> when it was missing.</summary>
    public string? ActualValue { get; }

    /// <summary>What a valid value looks like.</summary>
    public string ExpectedForm { get; }
}
