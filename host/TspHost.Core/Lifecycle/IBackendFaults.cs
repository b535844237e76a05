using TspHost.Abstractions;

namespace TspHost.Core.Lifecycle;

/// <summary>
/// What a backend whose session can fail and come back (a plugin in a worker process) tells the
/// engine (R15). The <see cref="BackendSessionContext.Events"/> the engine hands to
/// <see cref="ITelephonyBackend.StartSessionAsync"/> implements it; a backend that can fail this way
/// keeps it. It is not part of the plugin contract: plugins never see it.
/// </summary>
public interface IBackendFaults
{
    /// <summary>
    /// The backend's session is gone (its process died, hung or outgrew its memory). Every request
    /// pending on its devices completes with a failure at once; its calls go DISCONNECTED then IDLE;
    /// its open lines are reported LINEDEVSTATE_OUTOFSERVICE and its open phones PHONESTATE_DISCONNECTED.
    /// Its devices keep their IDs: none is removed or renumbered. Returns at once.
    /// </summary>
    /// <param name="reason">What happened, for the log (it names the plugin's process, exit code or signal, the operation in progress).</param>
    void SessionFailed(string reason);

    /// <summary>
    /// The backend is running again with a new session. Its devices are matched to the ones it had by
    /// key: they get the same device IDs and permanent IDs, open ones are opened again on the new
    /// session and reported LINEDEVSTATE_INSERVICE / PHONESTATE_CONNECTED; a device it no longer has
    /// stays out of service; a new one is announced (LINE_CREATE / PHONE_CREATE).
    /// </summary>
    /// <returns>False when the session could not take the backend's devices back (read failed): the devices stay out of service.</returns>
    Task<bool> SessionRestoredAsync(IBackendSession session);
}
