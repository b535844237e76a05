using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace TspHost.Ipc;

/// <summary>The C library calls the daemon needs that .NET does not offer: who owns a file, and which file a path names.</summary>
internal static unsafe partial class Interop
{
    internal static partial class Libc
    {
        private const int AtFdCwd = -100;
        private const int AtSymlinkNoFollow = 0x100;
        private const uint StatxBasicStats = 0x7FF;
        private const int StatxSize = 256;

        /// <summary>What <c>statx</c> says of a path, without following a final symbolic link; null when it does not exist.</summary>
        /// <exception cref="IOException">The kernel refused for another reason than a missing file.</exception>
        public static FileIdentity? Lstat(string path)
        {
            // struct statx has one layout on every architecture (unlike struct stat).
            var buffer = stackalloc byte[StatxSize];
            if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno == 2 // ENOENT
                    ? null
                    : throw new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }

            var span = new ReadOnlySpan<byte>(buffer, StatxSize);
            return new FileIdentity(
                UserId: BinaryPrimitives.ReadUInt32LittleEndian(span[20..]),
                Mode: BinaryPrimitives.ReadUInt16LittleEndian(span[28..]),
                Inode: BinaryPrimitives.ReadUInt64LittleEndian(span[32..]),
                Device: ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(span[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(span[140..]));
        }

        [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);
    }
}

/// <summary>A file's owner, type and permission bits, and the device and inode that identify it.</summary>
internal readonly record struct FileIdentity(uint UserId, ushort Mode, ulong Inode, ulong Device)
{
    private const int TypeMask = 0xF000;

    public bool IsDirectory => (Mode & TypeMask) == 0x4000;

    public bool IsSymbolicLink => (Mode & TypeMask) == 0xA000;

    public bool IsSocket => (Mode & TypeMask) == 0xC000;

    /// <summary>Group or others may create, rename or delete entries (write permission on a directory).</summary>
    public bool OthersMayWrite => (Mode & 0x12) != 0; // S_IWGRP | S_IWOTH

    /// <summary>The permission bits as <c>ls</c> and <c>chmod</c> write them, e.g. 0700.</summary>
    public string Permissions => "0" + Convert.ToString(Mode & 0xFFF, 8);

    public bool SameFile(FileIdentity other) => Inode == other.Inode && Device == other.Device;
}
