using VNCH.Network.Api.Features.Studies;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core.Features.Ingestion;

namespace VNCH.Network.Api.Tests;

public sealed class RouteTableTests
{
    [Fact]
    public void Names_and_method_pattern_pairs_are_unique_and_under_the_api_prefix()
    {
        Assert.Equal(ApiRoutes.All.Count, ApiRoutes.All.Select(r => r.Name).Distinct().Count());
        Assert.Equal(ApiRoutes.All.Count, ApiRoutes.All.Select(r => (r.Method, r.Pattern)).Distinct().Count());
        Assert.All(ApiRoutes.All, r => Assert.StartsWith(ApiRoutes.Prefix + "/", r.Pattern, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(IngestReasons.CannotUnderstand, 0xC000)]
    [InlineData(IngestReasons.EmptyDocument, 0xC000)]
    [InlineData(IngestReasons.OutOfResources, 0xA700)]
    [InlineData(IngestReasons.DatasetDoesNotMatchSopClass, 0xA900)]
    [InlineData(IngestReasons.SopClassNotSupported, 0x0122)]
    [InlineData(IngestReasons.InstanceConflict, 0x0111)]
    [InlineData(IngestReasons.ProcessingFailure, 0x0110)]
    [InlineData(IngestReasons.TransferSyntaxNotSupported, 0xC122)]
    public void Reason_codes_map_to_ps318_failure_reasons(string reason, int code) =>
        Assert.Equal(code, StowResponse.FailureReason(reason));

    [Fact]
    public void Status_is_200_when_all_stored_202_when_some_failed_409_when_all_failed()
    {
        IngestOutcome Ok() => new(IngestStatus.Accepted, "s", "1.2", "1.2.3", "h");
        IngestOutcome Dup() => new(IngestStatus.Duplicate, "s", "1.2", "1.2.3", "h");
        IngestOutcome Bad() => new(IngestStatus.Failed, null, null, null, "h", IngestReasons.CannotUnderstand, "x");

        Assert.Equal(200, StowResponse.StatusCode([Ok(), Dup()]));
        Assert.Equal(202, StowResponse.StatusCode([Ok(), Bad()]));
        Assert.Equal(409, StowResponse.StatusCode([Bad(), Bad()]));
    }
}
