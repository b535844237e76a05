using Microsoft.Win32.SafeHandles;

namespace TspHost.Plugins.UsbHandset.Transport;

/// <summary>A POSIX file descriptor, closed exactly once.</summary>
internal sealed class SafeFileDescriptorHandle : SafeHandleMinusOneIsInvalid
{
    public SafeFileDescriptorHandle()
        : base(ownsHandle: true)
    {
    }

    public SafeFileDescriptorHandle(int fd)
        : base(ownsHandle: true) => SetHandle(fd);

    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => Interop.Libc.Close((int)handle) == 0;
}
