namespace VNCH.Network.Core.Features.Diagnostics;

/// <summary>
/// What the server log keeps of an unexpected exception (issue 13 item 11): the exception types and the stack,
/// never the messages. Messages of I/O and parsing errors carry file names (often medical record numbers) and
/// values such as dates of birth; the type and the stack are enough to find the fault, and the correlation id
/// logged beside them leads to the audit record of the request.
/// </summary>
public static class ExceptionSummary
{
    public static string Of(Exception exception)
    {
        var types = new List<string>();
        for (var current = exception; current is not null && types.Count < 8; current = current.InnerException)
        {
            types.Add(current.GetType().FullName ?? current.GetType().Name);
        }

        return $"{string.Join(" <- ", types)}{Environment.NewLine}{exception.StackTrace}";
    }
}
