namespace VNCH.Network.Cli.Commands.Profiles;

/// <summary>A profile cannot be used as it stands (missing, unsafe permissions, sign-in needed): exit code 1 with the message.</summary>
public sealed class ProfileException(string message, Exception? inner = null) : Exception(message, inner);
