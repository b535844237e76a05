using System.Reflection;
using TspHost.Abstractions;
using TspHost.Conformance;

namespace TspHost.Plugins.Simulated.Tests;

/// <summary>The conformance suite notices contract violations: each sabotage fails the fact that guards against it.</summary>
public sealed class ConformanceSuiteSelfTests
{
    public static TheoryData<Sabotage, string> Violations => new()
    {
        { Sabotage.AcceptsAnySettings, nameof(BackendConformanceTests.ValidateSettings_WithGarbage_ThrowsNamingTheKey) },
        { Sabotage.UnstableKeys, nameof(BackendConformanceTests.StartSession_Again_ReportsTheSameKeysInTheSameOrder) },
        { Sabotage.DuplicateKeys, nameof(BackendConformanceTests.StartSession_ReportsDevicesWithUniqueNonEmptyKeys) },
        { Sabotage.KeepsReportingAfterClose, nameof(BackendConformanceTests.Line_AfterClose_RaisesNoEvents) },
        { Sabotage.KeepsReportingAfterRelease, nameof(BackendConformanceTests.Release_CallInProgress_SilencesItAndIsSafeToRepeat) },
        { Sabotage.DropDoesNothing, nameof(BackendConformanceTests.Drop_ConnectedCall_EndsIdleAndStaysIdle) },
        { Sabotage.DropDoesNothing, nameof(BackendConformanceTests.Drop_CallBeingSetUp_EndsIdleAndStaysIdle) },
        { Sabotage.MakeCallNotImplemented, nameof(BackendConformanceTests.MakeCall_ToAnsweringNumber_ReachesConnectedInValidOrder) },
        { Sabotage.MakeCallNotImplemented, nameof(BackendConformanceTests.Operations_WithCancelledToken_EndCancelledOrComplete) },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task Fact_AgainstBackendWithViolation_Fails(Sabotage sabotage, string fact)
    {
        await using var suite = new SabotagedConformance(sabotage);
        var method = typeof(BackendConformanceTests).GetMethod(fact) ?? throw new InvalidOperationException($"No fact {fact}.");

        var failure = await Record.ExceptionAsync(async () =>
        {
            var result = method.Invoke(suite, BindingFlags.DoNotWrapExceptions, binder: null, parameters: null, culture: null);
            if (result is Task task)
            {
                await task;
            }
        });

        Assert.NotNull(failure);
        Assert.IsNotType<Xunit.Sdk.SkipException>(failure);
        Assert.IsNotType<TargetInvocationException>(failure);
    }

    [Fact]
    public async Task Facts_AgainstTheRealBackendThroughTheSameWrapper_Pass()
    {
        // The wrapper itself is harmless: with a sabotage that touches nothing the facts pass.
        await using var suite = new SabotagedConformance(Sabotage.AcceptsAnySettings);

        await suite.Line_AfterClose_RaisesNoEvents();
        await suite.Release_CallInProgress_SilencesItAndIsSafeToRepeat();
        await suite.StartSession_Again_ReportsTheSameKeysInTheSameOrder();
    }

    private sealed class SabotagedConformance(Sabotage sabotage) : BackendConformanceTests
    {
        protected override ITelephonyBackend CreateBackend() => new SabotagedBackend(sabotage);

        protected override IEnumerable<KeyValuePair<string, string>> InvalidSettings => [new("Lines", "0")];

        protected override string? AnsweringNumber => "5551000";

        protected override bool CanTriggerIncomingCall => true;

        protected override ValueTask TriggerIncomingCallAsync(IBackendSession session, ILineDevice line)
        {
            ((SabotagedBackend.Session)session).Exchange.InjectIncomingCall(line.Key, new PartyId { Number = "5551234" });
            return ValueTask.CompletedTask;
        }
    }
}
