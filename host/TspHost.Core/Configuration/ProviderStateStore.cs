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
/// and renamed over the old one, so a crash leaves either the old file or the new one. Every
/// successful save also refreshes <c>&lt;file&gt;.last-good</c> the same way, before the save returns
/// (saves are one at a time, so the copy never lags behind a save that completed). A state file found
/// half-written or corrupt at load is set aside as <c>&lt;file&gt;.corrupt</c> and the last good
/// state is used (and written back), saying so in <see cref="LoadWarning"/>; when there is no good
/// copy either, loading fails with a message naming the file and the problem. Plugin settings may be
/// secrets: the directory is created owner-only (0700) and every file written is 0600. Temporary
/// files left by a writer killed mid-save are removed at load.
/// </summary>
public sealed class FileProviderStateStore(string path) : IProviderStateStore
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;
    private static long s_nextTemp;
    private readonly Lock _saving = new();

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The copy of the last state saved successfully.</summary>
    public string LastGoodPath => Path + ".last-good";

    /// <summary>Set by <see cref="Load"/> when the state file was corrupt and the last good copy was used instead.</summary>
    public string? LoadWarning { get; private set; }

    public ProviderState Load()
    {
        LoadWarning = null;
        RemoveStaleTemporaryFiles();
        if (!File.Exists(Path))
        {
            return ProviderState.NotInstalled;
        }

        try
        {
            return Read(Path);
        }
        catch (ProviderStateCorruptException corrupt)
        {
            if (!File.Exists(LastGoodPath))
            {
                throw new ProviderStateCorruptException(
                    $"{corrupt.Message} There is no last good copy ({LastGoodPath}); repair the file, or delete it to start again with the provider not installed.", corrupt);
            }

            ProviderState lastGood;
            try
            {
                lastGood = Read(LastGoodPath);
            }
            catch (ProviderStateCorruptException both)
            {
                throw new ProviderStateCorruptException($"{corrupt.Message} The last good copy is unreadable too: {both.Message}", corrupt);
            }

            var aside = Path + ".corrupt";
            WriteAtomically(aside, File.ReadAllBytes(Path));
            WriteAtomically(Path, Serialize(lastGood));
            LoadWarning = $"{corrupt.Message} Using the last good state from {LastGoodPath} (revision {lastGood.Revision}); the corrupt file was kept as {aside}.";
            return lastGood;
        }
    }

    public void Save(ProviderState state)
    {
        var bytes = Serialize(state);
        lock (_saving)
        {
            WriteAtomically(Path, bytes);
            WriteAtomically(LastGoodPath, bytes);
        }
    }

    /// <summary>
    /// Removes the temporary files of saves that never finished (<c>.&lt;file&gt;.&lt;pid&gt;.&lt;n&gt;.tmp</c>,
    /// and the older <c>.&lt;file&gt;.&lt;pid&gt;.tmp</c>). Whoever loads holds the state's lock, so no
    /// other process is saving; this one is not either, while it loads.
    /// </summary>
    private void RemoveStaleTemporaryFiles()
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (!Directory.Exists(directory))
        {
            return;
        }

        lock (_saving)
        {
            var name = System.IO.Path.GetFileName(Path);
            foreach (var temp in Directory.EnumerateFiles(directory, $".{name}*.tmp"))
            {
                try
                {
                    File.Delete(temp);
                }
                catch (IOException)
                {
                    // still held somewhere: left for the next start
                }
            }
        }
    }

    private static byte[] Serialize(ProviderState state) => JsonSerializer.SerializeToUtf8Bytes(state, s_json);

    private static ProviderState Read(string file)
    {
        try
        {
            var text = File.ReadAllText(file);
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new ProviderStateCorruptException($"{file}: the provider state file is empty (a write was cut short).");
            }

            var state = JsonSerializer.Deserialize<ProviderState>(text, s_json)
                ?? throw new ProviderStateCorruptException($"{file}: the file holds 'null' instead of the provider state.");
            if (state.Plugins is null || state.PermanentIds is null || state.Plugins.Any(p => p is null || string.IsNullOrWhiteSpace(p.Name) || p.Settings is null))
            {
                throw new ProviderStateCorruptException($"{file}: the provider state is incomplete (Plugins, each plugin's Name and Settings, and PermanentIds are required).");
            }

            return state;
        }
        catch (JsonException e)
        {
            throw new ProviderStateCorruptException(
                $"{file}: the provider state is corrupt at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}", e);
        }
    }

    private static void WriteAtomically(string file, byte[] bytes)
    {
        var directory = System.IO.Path.GetDirectoryName(file)!;
        CreateOwnerOnlyDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(file)}.{Environment.ProcessId}.{Interlocked.Increment(ref s_nextTemp)}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, file, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Creates <paramref name="directory"/> (and its missing parents) owner-only (0700) when missing.</summary>
    internal static void CreateOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }
    }
}

/// <summary>Another process holds the provider state: two writers would lose each other's changes.</summary>
public sealed class ProviderStateInUseException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// An exclusive, advisory lock on a provider state file (<c>&lt;state&gt;.lock</c>, held open with no
/// sharing, which .NET maps to an OS file lock). Whoever changes the state, the daemon for its whole
/// life or a command for its moment, holds it, so no process overwrites a change another one made.
/// </summary>
public sealed class ProviderStateLock : IDisposable
{
    private readonly FileStream _stream;

    private ProviderStateLock(FileStream stream) => _stream = stream;

    /// <exception cref="ProviderStateInUseException">Another process (or another host in this one) holds the lock.</exception>
    public static ProviderStateLock Acquire(string stateFile)
    {
        var path = stateFile + ".lock";
        FileProviderStateStore.CreateOwnerOnlyDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            return new ProviderStateLock(new FileStream(path, options));
        }
        catch (IOException e)
        {
            throw new ProviderStateInUseException(
                $"{stateFile} is in use by another tsphost process, such as a running 'tsphost run'; a change written beside it " +
                "would be overwritten. Stop that process first, or make the change through TAPI (providerConfig) while it runs.", e);
        }
    }

    public void Dispose() => _stream.Dispose();
}
