using System.Diagnostics;
using System.Globalization;
using TspHost.Bench;
using TspHost.Core.Configuration;
using TspHost.Core.Hosting;
using TspHost.Core.Tapi;
using TspHost.Core.Versions;

// tsphost-bench [runs]: measures (1) host start to all devices ready, in fresh processes (cold) and
// in this one (warm), with every plugin the build published installed, and (2) hot-plug latency:
// the Simulated plugin's folder renamed into the plugins directory during a session, until LINE_CREATE; removed,
// until LINE_REMOVE. Prints a Markdown table.
if (args is ["start-once", var directory])
{
    Console.WriteLine((await Bench.StartOnceAsync(directory)).TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture));
    return 0;
}

if (args is ["start-once-isolated", var isolatedDirectory])
{
    Console.WriteLine((await WorkerBench.StartOnceAsync(isolatedDirectory)).TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture));
    return 0;
}

// tsphost-bench workers [rounds] [calls]: R15's costs (see WorkerBench).
if (args is ["workers", ..])
{
    return await WorkerBench.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000);
}

var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var built = HostPaths.PluginsDirectory(null);
var plugins = Directory.GetDirectories(built).Select(Path.GetFileName).Order().ToList();
var work = Path.Combine(Path.GetTempPath(), "tsphost-bench", Guid.NewGuid().ToString("N"));
try
{
    Bench.CopyTree(built, Path.Combine(work, "plugins"));
    await using (var host = Bench.Create(work))
    {
        var install = await host.Engine.ProviderInstallAsync(1);
        Console.Error.WriteLine(install.Message);
    }

    var (cold, launch) = (new List<double>(), new List<double>());
    for (var i = 0; i < runs; i++)
    {
        var clock = Stopwatch.StartNew();
        cold.Add(await Bench.StartInChildAsync(work));
        launch.Add(clock.Elapsed.TotalMilliseconds);
    }

    var warm = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        warm.Add((await Bench.StartOnceAsync(work)).TotalMilliseconds);
    }

    // The hot-plugged plugin must bring a line without hardware: Simulated when it was published.
    var hotPlugged = plugins.Contains("Simulated") ? "Simulated" : plugins[0]!;
    var (create, remove) = await Bench.HotPlugAsync(built, hotPlugged, runs);
    Console.WriteLine($"Plugins installed: {string.Join(", ", plugins)}; hot-plugged: {hotPlugged}; {runs} runs each; median (min-max) ms.");
    Console.WriteLine();
    Console.WriteLine("| measurement | median ms | min ms | max ms |");
    Console.WriteLine("|---|---|---|---|");
    Bench.Row("host start to all devices ready, fresh process (cold)", cold);
    Bench.Row("the same, measured from process launch to exit (runtime start included)", launch);
    Bench.Row("host start to all devices ready, same process (warm)", warm);
    Bench.Row("hot plug: folder renamed in to LINE_CREATE", create);
    Bench.Row("hot plug: folder deleted to LINE_REMOVE", remove);
    return 0;
}
finally
{
    Directory.Delete(work, recursive: true);
}

namespace TspHost.Bench
{
    internal static class Bench
    {
        public static ProviderHost Create(string work)
        {
            var file = Path.Combine(work, "tsphost.json");
            if (!File.Exists(file))
            {
                File.WriteAllText(file, "{}");
            }

            return ProviderHost.Create(HostConfiguration.Load(file, [
                $"--PluginsDirectory={Path.Combine(work, "plugins")}",
                $"--StateFile={Path.Combine(work, "state.json")}",
            ]));
        }

        /// <summary>Builds the host (configuration, plugin scan and load, state), then providerEnumDevices and providerInit.</summary>
        public static async Task<TimeSpan> StartOnceAsync(string work)
        {
            var clock = Stopwatch.StartNew();
            await using var host = Create(work);
            var (result, lines, phones) = await host.Engine.ProviderEnumDevicesAsync(1);
            var init = await host.Engine.ProviderInitAsync(TspiVersion.V3_0, 1, 0, 0, lines, phones, new SignallingTapi());
            var elapsed = clock.Elapsed;
            if (result != 0 || !init.Succeeded || lines == 0)
            {
                throw new InvalidOperationException($"the session did not start: {init.Message}");
            }

            return elapsed;
        }

        public static async Task<double> StartInChildAsync(string work, string mode = "start-once")
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                start.ArgumentList.Add(typeof(Bench).Assembly.Location);
            }

            start.ArgumentList.Add(mode);
            start.ArgumentList.Add(work);
            using var child = Process.Start(start)!;
            var output = await child.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return double.Parse(output, CultureInfo.InvariantCulture);
        }

        /// <summary>A session with no plugins; <paramref name="plugin"/>'s folder is renamed in (an atomic drop) and deleted again, <paramref name="runs"/> times.</summary>
        public static async Task<(List<double> Create, List<double> Remove)> HotPlugAsync(string built, string plugin, int runs)
        {
            var work = Path.Combine(Path.GetTempPath(), "tsphost-bench", Guid.NewGuid().ToString("N"));
            var plugins = Path.Combine(work, "plugins");
            Directory.CreateDirectory(plugins);
            try
            {
                await using var host = Create(work);
                await host.Engine.ProviderInstallAsync(1);
                var tapi = new SignallingTapi();
                await host.Engine.ProviderEnumDevicesAsync(1);
                await host.Engine.ProviderInitAsync(TspiVersion.V3_0, 1, 0, 0, 0, 0, tapi);
                host.StartHotPlug();
                var (create, remove) = (new List<double>(), new List<double>());
                for (var i = 0; i < runs; i++)
                {
                    var staged = Path.Combine(plugins, "." + plugin);
                    CopyTree(Path.Combine(built, plugin), staged);
                    var created = tapi.Next(LineMessage.Create);
                    var clock = Stopwatch.StartNew();
                    Directory.Move(staged, Path.Combine(plugins, plugin));
                    var tempId = await created.WaitAsync(TimeSpan.FromSeconds(30));
                    create.Add(clock.Elapsed.TotalMilliseconds);
                    host.Engine.ProviderCreateLineDevice(tempId, (uint)(1000 + i));
                    var removed = tapi.Next(LineMessage.Remove);
                    clock.Restart();
                    Directory.Delete(Path.Combine(plugins, plugin), recursive: true);
                    await removed.WaitAsync(TimeSpan.FromSeconds(30));
                    remove.Add(clock.Elapsed.TotalMilliseconds);
                }

                return (create, remove);
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        }

        public static void Row(string what, List<double> values)
        {
            var sorted = values.Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {sorted[sorted.Count / 2]:0.0} | {sorted[0]:0.0} | {sorted[^1]:0.0} |"));
        }

        public static void CopyTree(string source, string target)
        {
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                var to = Path.Combine(target, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(file, to, overwrite: true);
            }
        }
    }
}
