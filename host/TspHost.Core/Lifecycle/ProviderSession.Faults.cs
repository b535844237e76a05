using Microsoft.Extensions.Logging;
using TspHost.Abstractions;
using TspHost.Core.Calls;
using TspHost.Core.Devices;
using TspHost.Core.Tapi;

namespace TspHost.Core.Lifecycle;

// R15 (fault containment): a plugin whose backend session died takes down only its own devices. They
// stay in the device map with their IDs (out of service), TAPI's handles on them stay valid, and when
// the backend is back they are opened again on its new session. TAPI's rule for a device out of
// service: the application keeps its handles and is told LINEDEVSTATE_OUTOFSERVICE, then INSERVICE;
// calls that were up are gone (DISCONNECTED, IDLE), and TAPI still closes them with lineCloseCall.
public sealed partial class ProviderSession
{
    /// <summary>The plugin's backend session failed: see <see cref="IBackendFaults.SessionFailed"/>.</summary>
    internal void BackendFailed(string plugin, string reason)
    {
        List<OpenLine> lines;
        List<OpenPhone> phones;
        lock (Lock)
        {
            _backends.RemoveAll(b => string.Equals(b.Plugin, plugin, StringComparison.OrdinalIgnoreCase));
            foreach (var line in _lines.Entries.Where(e => IsOf(e, plugin)))
            {
                line.InService = false;
            }

            foreach (var phone in _phones.Entries.Where(e => IsOf(e, plugin)))
            {
                phone.InService = false;
            }

            lines = [.. _lines.Entries.Where(e => IsOf(e, plugin) && e.Open is { Closed: false }).Select(e => e.Open!)];
            phones = [.. _phones.Entries.Where(e => IsOf(e, plugin) && e.Open is { Closed: false }).Select(e => e.Open!)];
        }

        _logger.LogError("Plugin '{Plugin}' failed: {Reason}. Its {Lines} open line(s) and {Phones} open phone(s) are out of service; they keep their device IDs",
            plugin, reason, lines.Count, phones.Count);
        if (!_active)
        {
            return;
        }

        foreach (var line in lines)
        {
            // R6: what was pending on the line or its calls completes now, with a failure, exactly once.
            Ledger.FailAll(line, LineErr.OperationFailed);
            List<CallRecord> calls;
            lock (Lock)
            {
                calls = [.. line.Calls.Where(c => c.Life == CallLife.Live)];
            }

            foreach (var call in calls)
            {
                Ledger.FailAll(call, LineErr.OperationFailed);
                EndCallOfFailedBackend(call);
            }

            ((ILineEvents)line).ServiceChanged(false);
        }

        foreach (var phone in phones)
        {
            Ledger.FailAll(phone, PhoneErr.OperationFailed);
            lock (Lock)
            {
                StopCollectingDigits_NeedsLock(phone);
                phone.HandsetCall = null;
            }

            ((IPhoneEvents)phone).ServiceChanged(false);
        }
    }

    /// <summary>A call of a backend that died: DISCONNECTED then IDLE, as TAPI expects of a call that ended; TAPI still closes it.</summary>
    private static void EndCallOfFailedBackend(CallRecord call)
    {
        ICallEvents events = call;
        if (call.State is not (CallState.Idle or CallState.Disconnected))
        {
            events.StateChanged(CallState.Disconnected, DisconnectMode.Unknown);
        }

        if (call.State != CallState.Idle)
        {
            events.StateChanged(CallState.Idle);
        }
    }

    /// <summary>The plugin's backend is back with <paramref name="backendSession"/>: see <see cref="IBackendFaults.SessionRestoredAsync"/>.</summary>
    internal async Task<bool> BackendRestoredAsync(string plugin, IBackendSession backendSession)
    {
        SessionDevices devices;
        try
        {
            devices = await PluginCalls.ReadDevicesAsync(backendSession, _options.HookTimeout, _time).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Plugin '{Plugin}' came back, but reading its devices failed ({Problem}); they stay out of service", plugin, PluginCalls.Describe(e));
            return false;
        }

        var reopen = new List<(DeviceEntry Entry, Func<ValueTask> Open, Action InService)>();
        lock (Lock)
        {
            _backends.RemoveAll(b => string.Equals(b.Plugin, plugin, StringComparison.OrdinalIgnoreCase));
            _backends.Add((plugin, backendSession));
            foreach (var line in devices.Lines)
            {
                if (_lines.Entries.FirstOrDefault(e => IsOf(e, plugin) && e.Key == line.Key) is not { } entry)
                {
                    Arrived(_lines, () => AddLine_NeedsLock(plugin, line));
                    continue;
                }

                entry.Line = line.Device;
                if (entry.Open is { Closed: false } open)
                {
                    reopen.Add((entry, () => line.Device.OpenAsync(open, open.Closing), () => ((ILineEvents)open).ServiceChanged(true)));
                }
                else
                {
                    entry.InService = true;
                }
            }

            foreach (var phone in devices.Phones)
            {
                if (_phones.Entries.FirstOrDefault(e => IsOf(e, plugin) && e.Key == phone.Key) is not { } entry)
                {
                    Arrived(_phones, () => AddPhone_NeedsLock(plugin, phone));
                    continue;
                }

                entry.Phone = phone.Device;
                if (entry.Open is { Closed: false } open)
                {
                    reopen.Add((entry, () => phone.Device.OpenAsync(open, open.Closing), () =>
                    {
                        lock (Lock)
                        {
                            entry.InService = true;
                        }

                        ((IPhoneEvents)open).ServiceChanged(true);
                    }));
                }
                else
                {
                    entry.InService = true;
                }
            }
        }

        foreach (var (entry, open, inService) in reopen)
        {
            // An open device is opened again on the new session before it is reported in service; if that fails it stays out.
            if (await GuardAsync($"Opening {entry} again after its plugin came back", open, _options.DeviceTimeout).ConfigureAwait(false) is null)
            {
                inService();
            }
        }

        _logger.LogInformation("Plugin '{Plugin}' is back: {Lines} line(s) and {Phones} phone(s) with the device IDs they had", plugin, devices.Lines.Count, devices.Phones.Count);
        return true;
    }

    private static bool IsOf(DeviceEntry entry, string plugin) => !entry.Removed && string.Equals(entry.Plugin, plugin, StringComparison.OrdinalIgnoreCase);
}
