using System.Runtime.Versioning;

// The shim, tapisim and the socket checks are built and run on Linux here.
[assembly: SupportedOSPlatform("linux")]
