using TspHost.Abstractions;

namespace TspHost.Core.Versions;

/// <summary>
/// The extension version of one device (R5). Extensions are off (0) by default; negotiation may run
/// any number of times and answers one version inside TAPI's range; selecting commits a version;
/// while one is selected, negotiation yields only that version and selecting another fails;
/// selecting 0 cancels. Not thread-safe: the owner serialises access.
/// </summary>
public sealed class ExtensionVersionSelection(VersionRange? supported, int incompatibleError, int unavailableError)
{
    public uint Selected { get; private set; }

    public int Negotiate(uint low, uint high, out uint extVersion)
    {
        extVersion = 0;
        if (supported is null)
        {
            return unavailableError;
        }

        if (Selected != 0)
        {
            // R5: while a version is selected, only that version may come out of negotiation.
            if (Selected < low || Selected > high)
            {
                return incompatibleError;
            }

            extVersion = Selected;
            return 0;
        }

        if (TspiVersion.HighestCommon(supported, low, high) is not { } common)
        {
            return incompatibleError;
        }

        extVersion = TspiVersion.ToDword(common);
        return 0;
    }

    public int Select(uint extVersion)
    {
        if (extVersion == 0)
        {
            Selected = 0; // R5: selecting 0 cancels
            return 0;
        }

        if (supported is null)
        {
            return unavailableError;
        }

        if ((Selected != 0 && Selected != extVersion) || !supported.Contains(TspiVersion.FromDword(extVersion)))
        {
            return incompatibleError;
        }

        Selected = extVersion;
        return 0;
    }

    public void Reset() => Selected = 0;
}
