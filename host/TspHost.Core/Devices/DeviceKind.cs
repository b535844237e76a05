using TspHost.Core.Tapi;

namespace TspHost.Core.Devices;

/// <summary>What differs between lines and phones in the machinery they share: names and TAPI's error codes.</summary>
public sealed record DeviceKind(
    string Noun,
    int BadDeviceId,
    int IncompatibleApiVersion,
    int IncompatibleExtVersion,
    int OperationUnavail,
    int OperationFailed,
    int Allocated,
    int ResourceUnavail,
    int InvalHandle)
{
    public static DeviceKind Line { get; } = new("line", LineErr.BadDeviceId, LineErr.IncompatibleApiVersion, LineErr.IncompatibleExtVersion,
        LineErr.OperationUnavail, LineErr.OperationFailed, LineErr.Allocated, LineErr.ResourceUnavail, LineErr.InvalLineHandle);

    public static DeviceKind Phone { get; } = new("phone", PhoneErr.BadDeviceId, PhoneErr.IncompatibleApiVersion, PhoneErr.IncompatibleExtVersion,
        PhoneErr.OperationUnavail, PhoneErr.OperationFailed, PhoneErr.Allocated, PhoneErr.ResourceUnavail, PhoneErr.InvalPhoneHandle);

    public bool IsPhone => ReferenceEquals(this, Phone);
}
