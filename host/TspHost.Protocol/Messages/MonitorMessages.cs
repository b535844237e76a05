namespace TspHost.Protocol.Messages;

// What a monitor (tsphost status, tsphost watch) asks and receives.

/// <summary>A monitor asks for the host's state.</summary>
public record struct MonitorSnapshotRequest : IRequest<MonitorSnapshotRequest, MonitorSnapshotReply>
{
    /// <inheritdoc/>
    public static FrameType Type => FrameType.MonitorSnapshot;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref MonitorSnapshotRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
    }
}

/// <summary>The host's state, one text block per kind of thing, one item a line.</summary>
public record struct MonitorSnapshotReply : IPayload<MonitorSnapshotReply>
{
    /// <summary>The provider's lifecycle status (the engine's <c>ProviderStatus</c>).</summary>
    public required uint Status;

    /// <summary>Every device, one a line.</summary>
    public required string? Devices;

    /// <summary>The open lines and phones.</summary>
    public required string? OpenDevices;

    /// <summary>The live calls.</summary>
    public required string? Calls;

    /// <summary>The asynchronous requests not yet completed.</summary>
    public required string? PendingRequests;

    /// <summary>The plugins' worker processes: pid, state, restarts, memory, since when and why (R15).</summary>
    public required string? Workers;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref MonitorSnapshotReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Status);
        v.Field(ref m.Devices);
        v.Field(ref m.OpenDevices);
        v.Field(ref m.Calls);
        v.Field(ref m.PendingRequests);
        v.Field(ref m.Workers);
    }
}

/// <summary>A monitor asks for a copy of every frame pushed to the provider, and the host's trace (answered with a <see cref="ResultReply"/>).</summary>
public record struct MonitorSubscribeRequest : IRequest<MonitorSubscribeRequest, ResultReply>
{
    /// <inheritdoc/>
    public static FrameType Type => FrameType.MonitorSubscribe;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref MonitorSubscribeRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
    }
}

/// <summary>Pushed to subscribed monitors: one line of the host's live trace.</summary>
public record struct MonitorTracePush : IMessage<MonitorTracePush>
{
    /// <summary>What happened (a request served, a call announced).</summary>
    public required string? Text;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.MonitorTrace;

    /// <inheritdoc/>
    public static FrameFlags Flags => FrameFlags.Push;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref MonitorTracePush m) where TVisitor : struct, IFieldVisitor, allows ref struct => v.Field(ref m.Text);
}
