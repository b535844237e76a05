using SharpFuzz;
using TspHost.Fuzz;

// TspHost.Fuzz <target>: runs one target under afl-fuzz (SharpFuzz speaks its fork-server protocol).
// TspHost.Fuzz <target> <file>...: runs the target once on each file, as a plain program (to reproduce a crash).
// TspHost.Fuzz --write-seeds <dir>: writes the seed corpora (fuzz/corpus).
if (args is ["--write-seeds", var directory])
{
    Seeds.Write(directory);
    return 0;
}

if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: TspHost.Fuzz <{string.Join('|', FuzzTargets.All.Keys)}> [file...]   (example: TspHost.Fuzz frame fuzz/corpus/frame/hello)");
    return 2;
}

if (args.Length > 1)
{
    foreach (var file in args[1..])
    {
        target(File.ReadAllBytes(file));
        Console.WriteLine($"{args[0]}: {file}: ok");
    }

    return 0;
}

Fuzzer.Run(stream =>
{
    using var input = new MemoryStream();
    stream.CopyTo(input);
    target(input.ToArray());
});
return 0;
