using System.Runtime.InteropServices;

namespace TspHost.Plugins.SerialModem.Interop;

/// <summary>A POSIX file descriptor (a tty, an eventfd), closed exactly once.</summary>
internal sealed class SafeFileDescriptorHandle : SafeHandle
{
    public SafeFileDescriptorHandle()
        : base(new IntPtr(-1), ownsHandle: true)
    {
    }

    public SafeFileDescriptorHandle(int fd)
        : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The descriptor; valid while the handle is not closed (callers hold a reference).</summary>
    public int Fd => (int)handle.ToInt64();

    protected override bool ReleaseHandle() => Libc.Close(Fd) == 0;
}
