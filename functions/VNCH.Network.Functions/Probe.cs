using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace VNCH.Network.Functions;

public static class Probe
{
    [Function("Probe")]
    public static IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "probe")] HttpRequest request) => new OkResult();

    [Function("ProbeQueue")]
    public static void Queue([QueueTrigger("analyse")] string message) { }

    [Function("ProbeBlob")]
    public static void Blob([BlobTrigger("inbox/{tenant}/{name}")] Stream blob, string tenant, string name) { }

    [Function("ProbeTimer")]
    public static void Timer([TimerTrigger("0 */5 * * * *")] TimerInfo timer) { }
}
