using System.Diagnostics;
using System.Globalization;
using TspHost.Core.Configuration;
using TspHost.Core.Events;
using TspHost.Core.Hosting;
using TspHost.Core.Tapi;
using TspHost.Core.Versions;
using TspHost.Workers.Supervision;

namespace TspHost.Bench;

/// <summary>
/// R15's costs: a call that reaches the plugin (lineMakeCall to its completion on the Simulated
/// exchange) with the plugin in its worker against the plugin in-process, in one run, in interleaved
/// rounds; host start to every device ready with the published plugins each in its worker (fresh
/// processes); the resident memory of an idle worker.
/// </summary>
internal static class WorkerBench
{
    public static async Task<int> RunAsync(int runs, int calls)
    {
        var built = HostPaths.PluginsDirectory(null);
        var work = Path.Combine(Path.GetTempPath(), "tsphost-bench", Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var isolation in new[] { "InProcess", "Process" })
            {
                Bench.CopyTree(Path.Combine(built, "Simulated"), Path.Combine(work, "calls", isolation, "plugins", "Simulated"));
            }

            Bench.CopyTree(built, Path.Combine(work, "start", "plugins"));
            var samples = new Dictionary<string, List<double>> { ["InProcess"] = [], ["Process"] = [] };
            await using (var inProcess = await CallHost.StartAsync(Path.Combine(work, "calls"), "InProcess"))
            await using (var isolated = await CallHost.StartAsync(Path.Combine(work, "calls"), "Process"))
            {
                await inProcess.MeasureAsync(calls / 10, []);
                await isolated.MeasureAsync(calls / 10, []);
                for (var round = 0; round < runs; round++)
                {
                    await inProcess.MeasureAsync(calls / runs, samples["InProcess"]);
                    await isolated.MeasureAsync(calls / runs, samples["Process"]);
                }
            }

            await using (var host = Create(Path.Combine(work, "start"), "Process"))
            {
                Console.Error.WriteLine((await host.Engine.ProviderInstallAsync(1)).Message);
            }

            var ready = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                ready.Add(await Bench.StartInChildAsync(Path.Combine(work, "start"), "start-once-isolated"));
            }

            var idle = await IdleWorkersAsync(Path.Combine(work, "start"));
            var p50 = (InProcess: Median(samples["InProcess"]), Process: Median(samples["Process"]));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"lineMakeCall to its completion on Simulated, {samples["Process"].Count} calls each, {runs} interleaved rounds: isolated p50 over in-process p50 **{p50.Process / p50.InProcess:0.00}x**."));
            Console.WriteLine();
            Console.WriteLine("| measurement | p50 | p90 | p99 |");
            Console.WriteLine("|---|---:|---:|---:|");
            Percentiles("lineMakeCall to completion, plugin in-process (µs)", samples["InProcess"]);
            Percentiles("lineMakeCall to completion, plugin in its worker (µs)", samples["Process"]);
            Percentiles($"host start to all devices ready, {Directory.GetDirectories(Path.Combine(work, "start", "plugins")).Length} plugins each in its worker, fresh process (ms)", ready);
            Percentiles("resident memory of an idle worker, after the session started (MB)", idle);
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>A host whose plugins run as <paramref name="isolation"/> says.</summary>
    public static ProviderHost Create(string work, string isolation)
    {
        var file = Path.Combine(work, "tsphost.json");
        var plugins = Path.Combine(work, "plugins");
        var sections = Directory.GetDirectories(plugins).Select(p => $"\"{Path.GetFileName(p)}\": {{ \"Isolation\": \"{isolation}\" }}");
        File.WriteAllText(file, $"{{ \"Plugins\": {{ {string.Join(", ", sections)} }} }}");
        var configuration = HostConfiguration.Load(file, [$"--PluginsDirectory={plugins}", $"--StateFile={Path.Combine(work, $"state-{isolation}.json")}"]);
        return ProviderHost.Create(configuration, isolation: WorkerIsolation.For(configuration, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
    }

    /// <summary>Host start to all devices ready with every plugin in its worker (built, providerEnumDevices, providerInit), in this process.</summary>
    public static async Task<TimeSpan> StartOnceAsync(string work)
    {
        var clock = Stopwatch.StartNew();
        await using var host = Create(work, "Process");
        var (result, lines, phones) = await host.Engine.ProviderEnumDevicesAsync(1);
        var init = await host.Engine.ProviderInitAsync(TspiVersion.V3_0, 1, 0, 0, lines, phones, new SignallingTapi());
        var elapsed = clock.Elapsed;
        return result == 0 && init.Succeeded && lines > 0 ? elapsed : throw new InvalidOperationException($"the session did not start: {init.Message}");
    }

    private static async Task<List<double>> IdleWorkersAsync(string work)
    {
        await using var host = Create(work, "Process");
        var (_, lines, phones) = await host.Engine.ProviderEnumDevicesAsync(1);
        await host.Engine.ProviderInitAsync(TspiVersion.V3_0, 1, 0, 0, lines, phones, new SignallingTapi());
        await Task.Delay(TimeSpan.FromSeconds(3)); // idle: past start-up, a few heartbeats answered
        return [.. host.Engine.Snapshot().Workers.Select(w => w.ProcessId).OfType<int>().Select(pid =>
            long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
                CultureInfo.InvariantCulture) / 1024.0)];
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static void Percentiles(string what, List<double> values)
    {
        var sorted = values.Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {sorted[sorted.Count / 2]:0.0} | {sorted[sorted.Count * 9 / 10]:0.0} | {sorted[Math.Min(sorted.Count - 1, sorted.Count * 99 / 100)]:0.0} |"));
    }

    /// <summary>A session on one host with line 0 open, placing calls and waiting for their completions.</summary>
    private sealed class CallHost : ITapiCallbacks, IAsyncDisposable
    {
        private readonly ProviderHost _host;
        private readonly Dictionary<uint, TaskCompletionSource<int>> _completions = [];
        private nint _hdLine;
        private uint _request = 1;

        private CallHost(ProviderHost host) => _host = host;

        public static async Task<CallHost> StartAsync(string work, string isolation)
        {
            var host = new CallHost(Create(Path.Combine(work, isolation), isolation));
            var engine = host._host.Engine;
            await engine.ProviderInstallAsync(1);
            var (_, lines, phones) = await engine.ProviderEnumDevicesAsync(1);
            await engine.ProviderInitAsync(TspiVersion.V3_0, 1, 0, 0, lines, phones, host);
            (_, host._hdLine) = await engine.LineOpenAsync(0, 0x100, TspiVersion.V3_0);
            return host;
        }

        public async Task MeasureAsync(int calls, List<double> samples)
        {
            var engine = _host.Engine;
            for (var i = 0; i < calls; i++)
            {
                var make = Next();
                var clock = Stopwatch.GetTimestamp();
                engine.LineMakeCall(make.Id, _hdLine, 0x200, out var hdCall, "5550100");
                var result = await make.Done.WaitAsync(TimeSpan.FromSeconds(30));
                samples.Add(Stopwatch.GetElapsedTime(clock).TotalMicroseconds);
                var drop = Next();
                engine.LineDrop(drop.Id, hdCall);
                await drop.Done.WaitAsync(TimeSpan.FromSeconds(30));
                await engine.LineCloseCallAsync(hdCall);
                if (result != 0)
                {
                    throw new InvalidOperationException($"lineMakeCall completed with 0x{result:X8}");
                }
            }
        }

        public ValueTask DisposeAsync() => _host.DisposeAsync();

        private (uint Id, Task<int> Done) Next()
        {
            var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_completions)
            {
                _completions[++_request] = done;
            }

            return (_request, done.Task);
        }

        public void AsyncCompletion(uint requestId, int result)
        {
            TaskCompletionSource<int>? done;
            lock (_completions)
            {
                _completions.Remove(requestId, out done);
            }

            done?.TrySetResult(result);
        }

        public void LineEvent(nint htLine, nint htCall, LineMessage message, nuint param1, nuint param2, nuint param3)
        {
        }

        public ValueTask<nint> LineNewCall(nint htLine, nint hdCall) => ValueTask.FromResult<nint>(0);

        public void PhoneEvent(nint htPhone, PhoneMessage message, nuint param1, nuint param2, nuint param3)
        {
        }
    }
}
