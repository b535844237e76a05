namespace TspHost.Shim;

/// <summary>
/// Fills one of TAPI's variable-size structures by TAPI's rules: the caller's <c>dwTotalSize</c> is
/// kept; the fixed part is cleared and filled; strings (UTF-16, NUL-terminated, sizes in bytes
/// including the NUL) go after it while they fit; <c>dwNeededSize</c> says what all of it would
/// take and <c>dwUsedSize</c> what was written. A string that does not fit gets size and offset 0.
/// </summary>
internal unsafe ref struct VarStructWriter
{
    private readonly byte* _start;
    private readonly uint _total;
    private uint _used;
    private uint _needed;

    private VarStructWriter(byte* start, uint total, uint fixedSize)
    {
        _start = start;
        _total = total;
        _used = fixedSize;
        _needed = fixedSize;
    }

    /// <summary>Starts filling <paramref name="structure"/>; false (STRUCTURETOOSMALL) when its fixed part does not fit.</summary>
    public static bool TryBegin(void* structure, int fixedSize, out VarStructWriter writer)
    {
        var header = (VarHeader*)structure;
        writer = default;
        if (structure is null || header->TotalSize < (uint)fixedSize)
        {
            if (structure is not null && header->TotalSize >= sizeof(VarHeader))
            {
                header->NeededSize = (uint)fixedSize;
                header->UsedSize = (uint)sizeof(VarHeader);
            }

            return false;
        }

        var total = header->TotalSize;
        new Span<byte>((byte*)structure + sizeof(uint), fixedSize - sizeof(uint)).Clear();
        writer = new VarStructWriter((byte*)structure, total, (uint)fixedSize);
        return true;
    }

    /// <summary>Appends <paramref name="value"/> and sets its size and offset fields (both 0 for null or when it does not fit).</summary>
    public void String(string? value, uint* size, uint* offset)
    {
        *size = 0;
        *offset = 0;
        if (value is null)
        {
            return;
        }

        var bytes = (uint)((value.Length + 1) * 2);
        _needed += bytes;
        if (_used + bytes > _total)
        {
            return;
        }

        var target = new Span<char>(_start + _used, value.Length + 1);
        value.AsSpan().CopyTo(target);
        target[value.Length] = '\0';
        *size = bytes;
        *offset = _used;
        _used += bytes;
    }

    /// <summary>Writes <c>dwNeededSize</c> and <c>dwUsedSize</c>.</summary>
    public readonly void Finish()
    {
        var header = (VarHeader*)_start;
        header->NeededSize = _needed;
        header->UsedSize = _used;
    }
}
