using System.Text.Json;
using System.Text.Json.Serialization;

namespace TspHost.Core.Configuration;

/// <summary>Where the provider's static configuration lives between sessions and host restarts (R12).</summary>
public interface IProviderStateStore
{
    /// <summary>Reads the state; a store that was never written reads as <see cref="ProviderState.NotInstalled"/>.</summary>
    /// <exception cref="ProviderStateCorruptException">The stored state cannot be read.</exception>
    ProviderState Load();

    /// <summary>Writes the state so that either the old or the new state survives a crash, never a mix.</summary>
    void Save(ProviderState state);
}

/// <summary>The stored state cannot be read; the message names the file and the problem.</summary>
public sealed class ProviderStateCorruptException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>State kept in memory only: for tests and the in-process demo.</summary>
public sealed class InMemoryProviderStateStore : IProviderStateStore
{
    private ProviderState _state = ProviderState.NotInstalled;

    public ProviderState Load() => Volatile.Read(ref _state);

    public void Save(ProviderState state) => Volatile.Write(ref _state, state);
}

/// <summary>
/// State in a JSON file, written atomically: a temporary file beside it is written, flushed to disk
/// and renamed over the old one, so a crash leaves either the old file or the new one.
/// </summary>
public sealed class FileProviderStateStore(string path) : IProviderStateStore
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public ProviderState Load()
    {
        if (!File.Exists(Path))
        {
            return ProviderState.NotInstalled;
        }

        try
        {
            var text = File.ReadAllText(Path);
            return JsonSerializer.Deserialize<ProviderState>(text, s_json)
                ?? throw new ProviderStateCorruptException($"{Path}: the file holds 'null' instead of the provider state.");
        }
        catch (JsonException e)
        {
            throw new ProviderStateCorruptException(
                $"{Path}: the provider state is corrupt at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}", e);
        }
    }

    public void Save(ProviderState state)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, state, s_json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }
}
