namespace VNCH.Network.EndToEnd.Tests.Faults;

/// <summary>
/// The kill -9 tests restart the server many times and load the machine: they run one at a time and alone, so neither
/// slows the other's server into its time limits.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KillNineCollection
{
    public const string Name = "kill -9 of the server";
}
