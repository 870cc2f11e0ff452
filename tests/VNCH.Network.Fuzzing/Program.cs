using SharpFuzz;
using VNCH.Network.Fuzzing;

// dotnet VNCH.Network.Fuzzing.dll <target>                   run under afl-fuzz (fuzz.sh does the setup)
// dotnet VNCH.Network.Fuzzing.dll <target> <file|folder>...  replay inputs and print each outcome (triage)
// dotnet VNCH.Network.Fuzzing.dll multipart-seed <out> <mediatype> <file>...   frame documents as a multipart seed
if (args.Length >= 3 && args[0] == "multipart-seed")
{
    var documents = args.Skip(3).Select(path => (args[2], File.ReadAllBytes(path)));
    File.WriteAllBytes(args[1], FuzzTargets.FrameAsMultipart(documents));
    return 0;
}

if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: VNCH.Network.Fuzzing <{string.Join('|', FuzzTargets.All.Keys)}> [input files or folders]");
    return 2;
}

if (args.Length == 1)
{
    Fuzzer.Run(stream =>
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        target(copy.ToArray());
    });
    return 0;
}

foreach (var path in args.Skip(1).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p) : [p]))
{
    var outcome = target(File.ReadAllBytes(path));
    Console.WriteLine($"{Path.GetFileName(path)}\t{(outcome.Parsed ? "parsed" : "rejected")}\t{outcome.Detail}");
}

return 0;
