using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace TspHost.Daemon;

/// <summary>
/// <c>tsphost run</c> as a service: under systemd a <c>Type=notify</c> unit (READY=1 once the
/// socket accepts connections, STOPPING=1 when it stops, log lines in the journal's format), under the
/// Windows service control manager a Windows service; elsewhere a console program stopped by Ctrl-C
/// or SIGTERM.
/// </summary>
internal static class ServiceLifetime
{
    public const string WindowsServiceName = "tsphost";

    public static IServiceCollection AddServiceLifetime(this IServiceCollection services)
    {
        services.AddWindowsService(o => o.ServiceName = WindowsServiceName); // nothing unless started by the service control manager
        services.AddSystemd(); // nothing unless systemd is the parent process
        if (!SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            // Like sd_notify(3): a NOTIFY_SOCKET is honoured whoever set it (a unit's start script
            // that runs tsphost as its child with NotifyAccess=all, a supervisor speaking the protocol).
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        return services;
    }
}
